// CustomerStore: the histories of an archive (grade, credit, owner, field
// changes), its dealings and the register of unmasked reads.
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
#include "common/sql_paging.h"
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

using sql_rows::IdOrder;
using sql_rows::IdPageQuery;
using sql_rows::ReadIdPage;

// A change's fields, position by position, as multi-row INSERTs of at most
// kFieldRowsPerInsert rows: one round trip for the few fields a write
// changes instead of one per field, and few distinct statements in each
// connection's cache (one per row count up to the bound).
constexpr size_t kFieldRowsPerInsert = 64;

absl::Status InsertFieldChanges(MysqlConnection& conn, int64_t change_id,
                                const std::vector<FieldChangeRecord>& fields) {
  for (size_t first = 0; first < fields.size(); first += kFieldRowsPerInsert) {
    const size_t n = std::min(kFieldRowsPerInsert, fields.size() - first);
    const std::vector<absl::string_view> rows(n, "(?, ?, ?, ?, ?, ?)");
    sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
        "INSERT INTO customer_field_changes (change_id, position, field, "
        "old_value, new_value, personal_data) VALUES ",
        absl::StrJoin(rows, ", ")));
    unsigned p = 1;
    for (size_t i = first; i < first + n; ++i) {
      stmt.setInt64(p++, change_id);
      stmt.setInt(p++, static_cast<int>(i));
      stmt.setString(p++, fields[i].field);
      stmt.setString(p++, fields[i].old_value);
      stmt.setString(p++, fields[i].new_value);
      stmt.setInt(p++, fields[i].personal);
    }
    stmt.executeUpdate();
  }
  return absl::OkStatus();
}

// One page of an archive's history table, oldest first: the rows of
// `customer_id` after the cursor. `select_from` is "SELECT ... FROM table"
// (with an `id` column); `read` fills one item from its row.
template <typename T, typename Read>
absl::StatusOr<Page<T>> ListOfArchive(MysqlConnection& conn,
                                      absl::string_view select_from,
                                      int64_t customer_id,
                                      std::optional<PageCursor> after,
                                      int limit, Read read) {
  return ReadIdPage<T>(conn,
                       IdPageQuery{.select = std::string(select_from),
                                   .where = {"customer_id = ?"},
                                   .params = {Param::Int(customer_id)},
                                   .after = after,
                                   .limit = limit},
                       read);
}

// The staff and time columns a history row ends with, bound from
// placeholder `first` on: `<who>_id`, `<who>_department`, the time.
void BindStaffAndTime(sql::PreparedStatement& stmt, int first,
                      const Principal& staff, absl::Time at) {
  stmt.setString(first, staff.staff_id);
  stmt.setString(first + 1, staff.department);
  stmt.setString(first + 2, ToSqlTime(at));
}

// And read back: `<who>_id` and `<who>_department` into `staff`, the time
// column `time` into `at`.
absl::Status ReadStaffAndTime(const ResultSetPtr& rs, absl::string_view who,
                              const char* time, csm::common::v1::Actor* staff,
                              google::protobuf::Timestamp* at) {
  staff->set_staff_id(Str(rs, absl::StrCat(who, "_id").c_str()));
  staff->set_department(Str(rs, absl::StrCat(who, "_department").c_str()));
  return SetTime(rs, time, at);
}

}  // namespace

// ---- history

absl::Status CustomerStore::InsertGradeChange(
    MysqlConnection& conn, int64_t customer_id, v1::Grade from, v1::Grade to,
    absl::string_view reason, const Principal& actor, absl::Time now) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "INSERT INTO grade_changes (customer_id, from_grade, to_grade, reason, "
      "actor_id, actor_department, change_time) VALUES (?, ?, ?, ?, ?, ?, ?)");
  stmt.setInt64(1, customer_id);
  stmt.setInt(2, from);
  stmt.setInt(3, to);
  stmt.setString(4, std::string(reason));
  BindStaffAndTime(stmt, 5, actor, now);
  stmt.executeUpdate();
  return absl::OkStatus();
}

absl::StatusOr<Page<v1::GradeChange>> CustomerStore::ListGradeChanges(
    MysqlConnection& conn, int64_t customer_id, std::optional<PageCursor> after,
    int limit) {
  return ListOfArchive<v1::GradeChange>(
      conn,
      "SELECT id, from_grade, to_grade, reason, actor_id, actor_department, "
      "change_time FROM grade_changes",
      customer_id, after, limit,
      [customer_id](const ResultSetPtr& rs, int64_t id,
                    v1::GradeChange& g) -> absl::Status {
        g.set_name(
            absl::StrCat(CustomerName(customer_id), "/gradeChanges/", id));
        g.set_from_grade(static_cast<v1::Grade>(rs->getInt("from_grade")));
        g.set_to_grade(static_cast<v1::Grade>(rs->getInt("to_grade")));
        g.set_reason(Str(rs, "reason"));
        return ReadStaffAndTime(rs, "actor", "change_time", g.mutable_actor(),
                                g.mutable_change_time());
      });
}

absl::Status CustomerStore::InsertCreditRatingChange(
    MysqlConnection& conn, int64_t customer_id, v1::CreditRating from,
    v1::CreditRating to, absl::string_view reason,
    const v1::CreditAssessment& assessment, const Principal& actor,
    absl::Time now) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "INSERT INTO credit_rating_changes (customer_id, from_rating, "
      "to_rating, reason, payment_behaviour, capital, operating_status, "
      "actor_id, actor_department, change_time) VALUES (?, ?, ?, ?, ?, ?, ?, "
      "?, ?, ?)");
  stmt.setInt64(1, customer_id);
  stmt.setInt(2, from);
  stmt.setInt(3, to);
  stmt.setString(4, std::string(reason));
  stmt.setString(5, assessment.payment_behaviour());
  stmt.setString(6, assessment.capital());
  stmt.setString(7, assessment.operating_status());
  BindStaffAndTime(stmt, 8, actor, now);
  stmt.executeUpdate();
  return absl::OkStatus();
}

absl::StatusOr<Page<v1::CreditRatingChange>>
CustomerStore::ListCreditRatingChanges(MysqlConnection& conn,
                                       int64_t customer_id,
                                       std::optional<PageCursor> after,
                                       int limit) {
  return ListOfArchive<v1::CreditRatingChange>(
      conn,
      "SELECT id, from_rating, to_rating, reason, payment_behaviour, capital, "
      "operating_status, actor_id, actor_department, change_time FROM "
      "credit_rating_changes",
      customer_id, after, limit,
      [customer_id](const ResultSetPtr& rs, int64_t id,
                    v1::CreditRatingChange& g) -> absl::Status {
        g.set_name(absl::StrCat(CustomerName(customer_id),
                                "/creditRatingChanges/", id));
        g.set_from_rating(
            static_cast<v1::CreditRating>(rs->getInt("from_rating")));
        g.set_to_rating(static_cast<v1::CreditRating>(rs->getInt("to_rating")));
        g.set_reason(Str(rs, "reason"));
        g.mutable_assessment()->set_payment_behaviour(
            Str(rs, "payment_behaviour"));
        g.mutable_assessment()->set_capital(Str(rs, "capital"));
        g.mutable_assessment()->set_operating_status(
            Str(rs, "operating_status"));
        return ReadStaffAndTime(rs, "actor", "change_time", g.mutable_actor(),
                                g.mutable_change_time());
      });
}

absl::Status CustomerStore::InsertOwnerChange(MysqlConnection& conn,
                                              int64_t customer_id,
                                              const v1::OwnerChange& change,
                                              const Principal& actor,
                                              absl::Time now) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "INSERT INTO owner_changes (customer_id, from_owner_id, to_owner_id, "
      "from_team_id, to_team_id, reason, allocated, actor_id, "
      "actor_department, change_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  stmt.setInt64(1, customer_id);
  stmt.setString(2, change.from_owner_id());
  stmt.setString(3, change.to_owner_id());
  stmt.setString(4, change.from_team());
  stmt.setString(5, change.to_team());
  stmt.setString(6, change.reason());
  stmt.setBoolean(7, change.allocated());
  BindStaffAndTime(stmt, 8, actor, now);
  stmt.executeUpdate();
  return absl::OkStatus();
}

absl::StatusOr<Page<v1::OwnerChange>> CustomerStore::ListOwnerChanges(
    MysqlConnection& conn, int64_t customer_id, std::optional<PageCursor> after,
    int limit) {
  return ListOfArchive<v1::OwnerChange>(
      conn,
      "SELECT id, from_owner_id, to_owner_id, from_team_id, to_team_id, "
      "reason, allocated, actor_id, actor_department, change_time FROM "
      "owner_changes",
      customer_id, after, limit,
      [customer_id](const ResultSetPtr& rs, int64_t id,
                    v1::OwnerChange& g) -> absl::Status {
        g.set_name(
            absl::StrCat(CustomerName(customer_id), "/ownerChanges/", id));
        g.set_from_owner_id(Str(rs, "from_owner_id"));
        g.set_to_owner_id(Str(rs, "to_owner_id"));
        g.set_from_team(Str(rs, "from_team_id"));
        g.set_to_team(Str(rs, "to_team_id"));
        g.set_reason(Str(rs, "reason"));
        g.set_allocated(rs->getBoolean("allocated"));
        return ReadStaffAndTime(rs, "actor", "change_time", g.mutable_actor(),
                                g.mutable_change_time());
      });
}

absl::Status CustomerStore::InsertDealing(MysqlConnection& conn,
                                          int64_t customer_id,
                                          v1::Dealing* dealing,
                                          const Principal& actor,
                                          absl::Time now) {
  CSM_ASSIGN_OR_RETURN(absl::CivilDay day, FromProtoDate(dealing->deal_date()));
  sql::PreparedStatement& stmt = conn.Prepare(
      "INSERT INTO dealings (customer_id, kind, deal_date, amount_fen, note, "
      "recorder_id, recorder_department, create_time) VALUES (?, ?, ?, ?, ?, "
      "?, ?, ?) RETURNING id");
  stmt.setInt64(1, customer_id);
  stmt.setInt(2, dealing->kind());
  stmt.setString(3, ToSqlDate(day));
  stmt.setInt64(4, dealing->amount_fen());
  stmt.setString(5, dealing->note());
  BindStaffAndTime(stmt, 6, actor, now);
  CSM_ASSIGN_OR_RETURN(const int64_t id, InsertedId(stmt));
  dealing->set_name(absl::StrCat(CustomerName(customer_id), "/dealings/", id));
  SetActor(actor, dealing->mutable_recorder());
  ToProtoTimestamp(now, dealing->mutable_create_time());
  return absl::OkStatus();
}

absl::StatusOr<Page<v1::Dealing>> CustomerStore::ListDealings(
    MysqlConnection& conn, int64_t customer_id, std::optional<PageCursor> after,
    int limit) {
  return ListOfArchive<v1::Dealing>(
      conn,
      "SELECT id, kind, deal_date, amount_fen, note, recorder_id, "
      "recorder_department, create_time FROM dealings",
      customer_id, after, limit,
      [customer_id](const ResultSetPtr& rs, int64_t id,
                    v1::Dealing& d) -> absl::Status {
        d.set_name(absl::StrCat(CustomerName(customer_id), "/dealings/", id));
        d.set_kind(static_cast<v1::DealingKind>(rs->getInt("kind")));
        CSM_ASSIGN_OR_RETURN(absl::CivilDay day,
                             FromSqlDate(Str(rs, "deal_date")));
        ToProtoDate(day, d.mutable_deal_date());
        d.set_amount_fen(rs->getInt64("amount_fen"));
        d.set_note(Str(rs, "note"));
        return ReadStaffAndTime(rs, "recorder", "create_time",
                                d.mutable_recorder(), d.mutable_create_time());
      });
}

absl::Status CustomerStore::InsertChange(
    MysqlConnection& conn, int64_t customer_id, absl::string_view method,
    const Principal& actor, absl::string_view request_id,
    const std::vector<FieldChangeRecord>& fields, absl::Time now) {
  if (fields.empty()) return absl::OkStatus();
  sql::PreparedStatement& stmt = conn.Prepare(
      "INSERT INTO customer_changes (customer_id, method, actor_id, "
      "actor_department, request_id, change_time) VALUES (?, ?, ?, ?, ?, ?) "
      "RETURNING id");
  stmt.setInt64(1, customer_id);
  stmt.setString(2, std::string(method));
  stmt.setString(3, actor.staff_id);
  stmt.setString(4, actor.department);
  stmt.setString(5, std::string(request_id));
  stmt.setString(6, ToSqlTime(now));
  CSM_ASSIGN_OR_RETURN(const int64_t change_id, InsertedId(stmt));
  return InsertFieldChanges(conn, change_id, fields);
}

absl::StatusOr<Page<v1::CustomerChange>> CustomerStore::ListChanges(
    MysqlConnection& conn, int64_t customer_id, std::optional<PageCursor> after,
    int limit) {
  std::vector<int64_t> ids;
  CSM_ASSIGN_OR_RETURN(
      Page<v1::CustomerChange> page,
      ReadIdPage<v1::CustomerChange>(
          conn,
          IdPageQuery{.select = "SELECT id, method, actor_id, "
                                "actor_department, request_id, change_time "
                                "FROM customer_changes",
                      .where = {"customer_id = ?"},
                      .params = {Param::Int(customer_id)},
                      .order = IdOrder::kNewestFirst,
                      .after = after,
                      .limit = limit},
          [&](const ResultSetPtr& rs, int64_t id,
              v1::CustomerChange& c) -> absl::Status {
            c.set_name(
                absl::StrCat(CustomerName(customer_id), "/changes/", id));
            c.set_method(Str(rs, "method"));
            c.set_request_id(Str(rs, "request_id"));
            ids.push_back(id);
            return ReadStaffAndTime(rs, "actor", "change_time",
                                    c.mutable_actor(), c.mutable_change_time());
          }));
  if (page.items.empty()) return page;
  ids.resize(page.items.size());
  absl::flat_hash_map<int64_t, v1::CustomerChange*> by_id;
  for (size_t i = 0; i < ids.size(); ++i) by_id[ids[i]] = &page.items[i];
  const size_t padded = PaddedSize(ids.size());
  sql::PreparedStatement& fields = conn.Prepare(
      absl::StrCat("SELECT change_id, field, old_value, new_value, "
                   "personal_data FROM customer_field_changes WHERE "
                   "change_id IN (",
                   Placeholders(padded), ") ORDER BY change_id, position"));
  for (size_t i = 0; i < padded; ++i) {
    fields.setInt64(static_cast<unsigned>(i + 1),
                    i < ids.size() ? ids[i] : int64_t{-1});
  }
  ResultSetPtr frs(fields.executeQuery());
  while (frs->next()) {
    v1::FieldChange* f = by_id[frs->getInt64("change_id")]->add_field_changes();
    f->set_field(Str(frs, "field"));
    f->set_old_value(Str(frs, "old_value"));
    f->set_new_value(Str(frs, "new_value"));
    f->set_personal_data(
        static_cast<v1::PersonalDataKind>(frs->getInt("personal_data")));
  }
  return page;
}

absl::Status CustomerStore::InsertAccessRecord(
    MysqlConnection& conn, int64_t customer_id, const Principal& reader,
    absl::string_view purpose, absl::string_view method, absl::Time now) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "INSERT INTO access_records (customer_id, reader_id, "
      "reader_department, purpose, method, access_time) VALUES (?, ?, ?, ?, "
      "?, ?)");
  stmt.setInt64(1, customer_id);
  stmt.setString(2, reader.staff_id);
  stmt.setString(3, reader.department);
  stmt.setString(4, std::string(purpose));
  stmt.setString(5, std::string(method));
  stmt.setString(6, ToSqlTime(now));
  stmt.executeUpdate();
  return absl::OkStatus();
}

absl::StatusOr<Page<v1::AccessRecord>> CustomerStore::ListAccessRecords(
    MysqlConnection& conn, int64_t customer_id, absl::string_view reader_id,
    std::optional<PageCursor> after, int limit) {
  IdPageQuery query{.select =
                        "SELECT id, customer_id, reader_id, "
                        "reader_department, purpose, method, "
                        "access_time FROM access_records",
                    .order = IdOrder::kNewestFirst,
                    .after = after,
                    .limit = limit};
  if (customer_id > 0) {
    query.where.push_back("customer_id = ?");
    query.params.push_back(Param::Int(customer_id));
  }
  if (!reader_id.empty()) {
    query.where.push_back("reader_id = ?");
    query.params.push_back(Param::String(std::string(reader_id)));
  }
  return ReadIdPage<v1::AccessRecord>(
      conn, std::move(query),
      [](const ResultSetPtr& rs, int64_t id,
         v1::AccessRecord& a) -> absl::Status {
        const std::string customer = CustomerName(rs->getInt64("customer_id"));
        a.set_name(absl::StrCat(customer, "/accessRecords/", id));
        a.set_customer(customer);
        a.set_purpose(Str(rs, "purpose"));
        a.set_method(Str(rs, "method"));
        return ReadStaffAndTime(rs, "reader", "access_time", a.mutable_reader(),
                                a.mutable_access_time());
      });
}

}  // namespace csm::customer
