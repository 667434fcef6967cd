// CustomerStore: lists of archives (filters, keyset order) and likely
// duplicates (重卡).
#include <algorithm>
#include <limits>
#include <memory>
#include <string>
#include <utility>

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

}  // namespace

absl::StatusOr<std::vector<v1::DuplicateWarning>>
CustomerStore::FindLikelyDuplicates(
    MysqlConnection& conn, absl::string_view normalized_name,
    const std::vector<std::string>& normalized_phones) {
  std::vector<v1::DuplicateWarning> warnings;
  absl::flat_hash_map<std::string, bool> seen;
  auto add = [&](const ResultSetPtr& rs, v1::DuplicateWarning::Reason reason) {
    std::string name = CustomerName(rs->getInt64("id"));
    if (seen.contains(name)) return;
    seen[name] = true;
    v1::DuplicateWarning& w = warnings.emplace_back();
    w.set_customer(name);
    w.set_archive_number(Str(rs, "archive_number"));
    w.set_display_name(Str(rs, "display_name"));
    w.set_reason(reason);
  };
  if (!normalized_name.empty()) {
    sql::PreparedStatement& stmt = conn.Prepare(
        "SELECT id, archive_number, display_name FROM customers "
        "WHERE normalized_name = ? ORDER BY id LIMIT 10");
    stmt.setString(1, std::string(normalized_name));
    ResultSetPtr rs(stmt.executeQuery());
    while (rs->next())
      add(rs, v1::DuplicateWarning::REASON_SAME_NORMALIZED_NAME);
  }
  for (const std::string& phone : normalized_phones) {
    if (phone.empty()) continue;
    sql::PreparedStatement& stmt = conn.Prepare(
        "SELECT DISTINCT cu.id, cu.archive_number, cu.display_name "
        "FROM contact_phones p JOIN contacts c ON c.id = p.contact_id "
        "JOIN customers cu ON cu.id = c.customer_id "
        "WHERE p.normalized_phone = ? AND c.removed_time IS NULL "
        "ORDER BY cu.id LIMIT 10");
    stmt.setString(1, phone);
    ResultSetPtr rs(stmt.executeQuery());
    while (rs->next()) add(rs, v1::DuplicateWarning::REASON_SAME_PHONE);
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
