// CustomerStore: lists of archives (filters, keyset order) and likely
// duplicates (重卡).
#include <algorithm>
#include <iterator>
#include <limits>
#include <memory>
#include <string>
#include <utility>

#include "absl/container/btree_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/business_time.h"
#include "common/sql_rows.h"
#include "common/sql_values.h"
#include "common/status.h"
#include "cppconn/exception.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "customer-svc/src/store/customer_rows.h"
#include "customer-svc/src/store/customer_store.h"

namespace csm::customer {
namespace {

const absl::flat_hash_map<std::string, FilterColumn>& FilterColumns() {
  static const auto* columns = new absl::flat_hash_map<std::string,
                                                       FilterColumn>{
      {"owner_id", {"owner_id", FilterColumn::kString, nullptr}},
      {"team", {"team_id", FilterColumn::kString, nullptr}},
      {"department", {"department", FilterColumn::kString, nullptr}},
      {"province", {"province", FilterColumn::kString, nullptr}},
      {"city", {"city", FilterColumn::kString, nullptr}},
      {"industry", {"industry", FilterColumn::kString, nullptr}},
      {"display_name", {"display_name", FilterColumn::kString, nullptr}},
      {"archive_number", {"archive_number", FilterColumn::kString, nullptr}},
      {"grade", {"grade", FilterColumn::kEnum, &v1::Grade_descriptor}},
      {"kind", {"kind", FilterColumn::kEnum, &v1::CustomerKind_descriptor}},
      {"lifecycle_status",
       {"lifecycle_status", FilterColumn::kEnum,
        &v1::LifecycleStatus_descriptor}},
      {"state", {"state", FilterColumn::kEnum, &v1::ArchiveState_descriptor}},
      {"acquisition_channel",
       {"acquisition_channel", FilterColumn::kEnum,
        &v1::AcquisitionChannel_descriptor}},
      {"credit_rating",
       {"credit_rating", FilterColumn::kEnum, &v1::CreditRating_descriptor}},
      {"importance",
       {"importance", FilterColumn::kEnum, &v1::Importance_descriptor}},
      {"create_time", {"create_time", FilterColumn::kTime, nullptr}},
      {"update_time", {"update_time", FilterColumn::kTime, nullptr}},
  };
  return *columns;
}

// How many archives a duplicate warning names per phone.
constexpr size_t kArchivesPerPhone = 10;

struct ArchiveOfPhone {
  int64_t id;
  std::string archive_number;
  std::string display_name;
};

// The kArchivesPerPhone archives of smallest id with a live contact that has
// this phone, in id order: the ten "SELECT DISTINCT ... ORDER BY cu.id LIMIT
// 10" over the same join names, without its temporary table (the sort and
// the DISTINCT of a join). That query cannot stop early either (the phone's
// index gives contacts, not archives, in order): both read every matching
// row. Here they come unsorted, one per matching phone of a live contact
// (an archive may come twice), and the ten are picked in memory. The
// semi-join forms (IN, EXISTS) cost MariaDB 10.11 two temporary tables.
absl::StatusOr<std::vector<ArchiveOfPhone>> FirstArchivesWithPhone(
    MysqlConnection& conn, const std::string& phone) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "SELECT cu.id, cu.archive_number, cu.display_name "
      "FROM contact_phones p JOIN contacts c ON c.id = p.contact_id "
      "JOIN customers cu ON cu.id = c.customer_id "
      "WHERE p.normalized_phone = ? AND c.removed_time IS NULL");
  stmt.setString(1, phone);
  ResultSetPtr rs(stmt.executeQuery());
  absl::btree_map<int64_t, ArchiveOfPhone> first;  // the smallest ids seen
  while (rs->next()) {
    const int64_t id = rs->getInt64(1);
    if (first.size() == kArchivesPerPhone && id >= first.rbegin()->first) {
      continue;
    }
    if (!first.try_emplace(id, ArchiveOfPhone{id, Str(rs, 2u), Str(rs, 3u)})
             .second) {
      continue;
    }
    if (first.size() > kArchivesPerPhone) first.erase(std::prev(first.end()));
  }
  std::vector<ArchiveOfPhone> out;
  for (auto& [id, a] : first) out.push_back(std::move(a));
  return out;
}

}  // namespace

absl::StatusOr<std::vector<v1::DuplicateWarning>>
CustomerStore::FindLikelyDuplicates(
    MysqlConnection& conn, absl::string_view normalized_name,
    const std::vector<std::string>& normalized_phones) {
  std::vector<v1::DuplicateWarning> warnings;
  absl::flat_hash_map<std::string, bool> seen;
  auto add = [&](int64_t id, std::string archive_number,
                 std::string display_name,
                 v1::DuplicateWarning::Reason reason) {
    std::string name = CustomerName(id);
    if (seen.contains(name)) return;
    seen[name] = true;
    v1::DuplicateWarning& w = warnings.emplace_back();
    w.set_customer(name);
    w.set_archive_number(std::move(archive_number));
    w.set_display_name(std::move(display_name));
    w.set_reason(reason);
  };
  if (!normalized_name.empty()) {
    sql::PreparedStatement& stmt = conn.Prepare(
        "SELECT id, archive_number, display_name FROM customers "
        "WHERE normalized_name = ? ORDER BY id LIMIT 10");
    stmt.setString(1, std::string(normalized_name));
    ResultSetPtr rs(stmt.executeQuery());
    while (rs->next()) {
      add(rs->getInt64(1), Str(rs, 2u), Str(rs, 3u),
          v1::DuplicateWarning::REASON_SAME_NORMALIZED_NAME);
    }
  }
  for (const std::string& phone : normalized_phones) {
    if (phone.empty()) continue;
    CSM_ASSIGN_OR_RETURN(std::vector<ArchiveOfPhone> archives,
                         FirstArchivesWithPhone(conn, phone));
    for (const ArchiveOfPhone& a : archives) {
      add(a.id, a.archive_number, a.display_name,
          v1::DuplicateWarning::REASON_SAME_PHONE);
    }
  }
  return warnings;
}

absl::StatusOr<Page<v1::Customer>> CustomerStore::ListCustomers(
    MysqlConnection& conn, const CustomerListQuery& query) {
  std::vector<std::string> where;
  std::vector<Param> params;
  for (const FilterTerm& term : query.filter) {
    auto it = FilterColumns().find(term.field);
    if (it == FilterColumns().end()) {
      return InvalidField("filter",
                          absl::StrCat("unknown field '", term.field, "'"));
    }
    CSM_RETURN_IF_ERROR(
        sql_rows::AddFilterCondition(term, it->second, &where, &params));
  }

  // Keyset pagination: (key, id) strictly after the cursor.
  std::string key_column;
  bool desc = false;
  switch (query.order) {
    case CustomerOrder::kCreateTime:
      break;
    case CustomerOrder::kCreateTimeDesc:
      desc = true;
      break;
    case CustomerOrder::kDisplayName:
      key_column = "display_name";
      break;
    case CustomerOrder::kUpdateTimeDesc:
      key_column = "update_time";
      desc = true;
      break;
  }
  const char* cmp = desc ? "<" : ">";
  if (query.after.has_value()) {
    if (key_column.empty()) {
      where.push_back(absl::StrCat("id ", cmp, " ?"));
      params.push_back({Param::kInt, "", query.after->id});
    } else {
      where.push_back(absl::StrCat("(", key_column, " ", cmp, " ? OR (",
                                   key_column, " = ? AND id ", cmp, " ?))"));
      params.push_back({Param::kString, query.after->key});
      params.push_back({Param::kString, query.after->key});
      params.push_back({Param::kInt, "", query.after->id});
    }
  }
  const char* dir = desc ? " DESC" : "";
  std::string order = key_column.empty()
                          ? absl::StrCat("id", dir)
                          : absl::StrCat(key_column, dir, ", id", dir);
  std::string sql = absl::StrCat("SELECT ", kCustomerColumns, " FROM customers",
                                 where.empty() ? "" : " WHERE ",
                                 absl::StrJoin(where, " AND "), " ORDER BY ",
                                 order, " LIMIT ", query.limit + 1);
  sql::PreparedStatement& stmt = conn.Prepare(sql);
  Bind(stmt, params);
  ResultSetPtr rs(stmt.executeQuery());
  std::vector<v1::Customer> items;
  std::vector<PageCursor> cursors;
  while (rs->next()) {
    CSM_ASSIGN_OR_RETURN(v1::Customer c, CustomerFromRow(rs));
    PageCursor cursor;
    cursor.id = rs->getInt64(sql_rows::ColumnOf(kCustomerColumns, "id"));
    if (!key_column.empty()) cursor.key = Str(rs, key_column.c_str());
    items.push_back(std::move(c));
    cursors.push_back(std::move(cursor));
  }
  rs.reset();
  Page<v1::Customer> page =
      MakePage(std::move(items), std::move(cursors), query.limit);
  std::vector<v1::Customer*> ptrs;
  for (v1::Customer& c : page.items) ptrs.push_back(&c);
  CSM_RETURN_IF_ERROR(LoadContacts(conn, ptrs));
  return page;
}

}  // namespace csm::customer
