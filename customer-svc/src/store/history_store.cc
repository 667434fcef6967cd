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

// One page of an archive's history table, oldest first: the rows of
// `customer_id` after the cursor. `select_from` is "SELECT ... FROM table"
// (with an `id` column); `read` fills one item from its row.
template <typename T, typename Read>
absl::StatusOr<Page<T>> ListOfArchive(MysqlConnection& conn,
                                      absl::string_view select_from,
                                      int64_t customer_id,
                                      std::optional<PageCursor> after,
                                      int limit, Read read) {
  sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
      select_from, " WHERE customer_id = ? AND id > ? ORDER BY id LIMIT ",
      limit + 1));
  stmt.setInt64(1, customer_id);
  stmt.setInt64(2, after.has_value() ? after->id : 0);
  ResultSetPtr rs(stmt.executeQuery());
  std::vector<T> items;
  std::vector<PageCursor> cursors;
  while (rs->next()) {
    const int64_t id = rs->getInt64("id");
    CSM_RETURN_IF_ERROR(read(rs, id, items.emplace_back()));
    cursors.push_back({"", id});
  }
  return MakePage(std::move(items), std::move(cursors), limit);
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
  stmt.setString(5, actor.staff_id);
  stmt.setString(6, actor.department);
  stmt.setString(7, ToSqlTime(now));
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
        g.mutable_actor()->set_staff_id(Str(rs, "actor_id"));
        g.mutable_actor()->set_department(Str(rs, "actor_department"));
        CSM_RETURN_IF_ERROR(
            SetTime(rs, "change_time", g.mutable_change_time()));
        return absl::OkStatus();
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
  stmt.setString(8, actor.staff_id);
  stmt.setString(9, actor.department);
  stmt.setString(10, ToSqlTime(now));
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
        g.mutable_actor()->set_staff_id(Str(rs, "actor_id"));
        g.mutable_actor()->set_department(Str(rs, "actor_department"));
        CSM_RETURN_IF_ERROR(
            SetTime(rs, "change_time", g.mutable_change_time()));
        return absl::OkStatus();
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
  stmt.setString(8, actor.staff_id);
  stmt.setString(9, actor.department);
  stmt.setString(10, ToSqlTime(now));
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
        g.mutable_actor()->set_staff_id(Str(rs, "actor_id"));
        g.mutable_actor()->set_department(Str(rs, "actor_department"));
        CSM_RETURN_IF_ERROR(
            SetTime(rs, "change_time", g.mutable_change_time()));
        return absl::OkStatus();
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
      "?, ?, ?)");
  stmt.setInt64(1, customer_id);
  stmt.setInt(2, dealing->kind());
  stmt.setString(3, ToSqlDate(day));
  stmt.setInt64(4, dealing->amount_fen());
  stmt.setString(5, dealing->note());
  stmt.setString(6, actor.staff_id);
  stmt.setString(7, actor.department);
  stmt.setString(8, ToSqlTime(now));
  stmt.executeUpdate();
  const int64_t id = LastInsertId(conn);
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
        d.mutable_recorder()->set_staff_id(Str(rs, "recorder_id"));
        d.mutable_recorder()->set_department(Str(rs, "recorder_department"));
        CSM_RETURN_IF_ERROR(
            SetTime(rs, "create_time", d.mutable_create_time()));
        return absl::OkStatus();
      });
}

absl::Status CustomerStore::InsertChange(
    MysqlConnection& conn, int64_t customer_id, absl::string_view method,
    const Principal& actor, absl::string_view request_id,
    const std::vector<FieldChangeRecord>& fields, absl::Time now) {
  if (fields.empty()) return absl::OkStatus();
  sql::PreparedStatement& stmt = conn.Prepare(
      "INSERT INTO customer_changes (customer_id, method, actor_id, "
      "actor_department, request_id, change_time) VALUES (?, ?, ?, ?, ?, ?)");
  stmt.setInt64(1, customer_id);
  stmt.setString(2, std::string(method));
  stmt.setString(3, actor.staff_id);
  stmt.setString(4, actor.department);
  stmt.setString(5, std::string(request_id));
  stmt.setString(6, ToSqlTime(now));
  stmt.executeUpdate();
  const int64_t change_id = LastInsertId(conn);
  sql::PreparedStatement& field_stmt = conn.Prepare(
      "INSERT INTO customer_field_changes (change_id, position, field, "
      "old_value, new_value, personal_data) VALUES (?, ?, ?, ?, ?, ?)");
  for (size_t i = 0; i < fields.size(); ++i) {
    field_stmt.setInt64(1, change_id);
    field_stmt.setInt(2, static_cast<int>(i));
    field_stmt.setString(3, fields[i].field);
    field_stmt.setString(4, fields[i].old_value);
    field_stmt.setString(5, fields[i].new_value);
    field_stmt.setInt(6, fields[i].personal);
    field_stmt.executeUpdate();
  }
  return absl::OkStatus();
}

absl::StatusOr<Page<v1::CustomerChange>> CustomerStore::ListChanges(
    MysqlConnection& conn, int64_t customer_id, std::optional<PageCursor> after,
    int limit) {
  sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
      "SELECT id, method, actor_id, actor_department, request_id, "
      "change_time FROM customer_changes WHERE customer_id = ? AND id < ? "
      "ORDER BY id DESC LIMIT ",
      limit + 1));
  stmt.setInt64(1, customer_id);
  stmt.setInt64(
      2, after.has_value() ? after->id : std::numeric_limits<int64_t>::max());
  ResultSetPtr rs(stmt.executeQuery());
  std::vector<v1::CustomerChange> items;
  std::vector<PageCursor> cursors;
  std::vector<int64_t> ids;
  while (rs->next()) {
    v1::CustomerChange& c = items.emplace_back();
    const int64_t id = rs->getInt64("id");
    c.set_name(absl::StrCat(CustomerName(customer_id), "/changes/", id));
    c.set_method(Str(rs, "method"));
    c.mutable_actor()->set_staff_id(Str(rs, "actor_id"));
    c.mutable_actor()->set_department(Str(rs, "actor_department"));
    c.set_request_id(Str(rs, "request_id"));
    CSM_RETURN_IF_ERROR(SetTime(rs, "change_time", c.mutable_change_time()));
    cursors.push_back({"", id});
    ids.push_back(id);
  }
  rs.reset();
  Page<v1::CustomerChange> page =
      MakePage(std::move(items), std::move(cursors), limit);
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
  std::string sql =
      "SELECT id, customer_id, reader_id, reader_department, purpose, method, "
      "access_time FROM access_records WHERE id < ?";
  std::vector<Param> params = {
      {Param::kInt, "",
       after.has_value() ? after->id : std::numeric_limits<int64_t>::max()}};
  if (customer_id > 0) {
    absl::StrAppend(&sql, " AND customer_id = ?");
    params.push_back({Param::kInt, "", customer_id});
  }
  if (!reader_id.empty()) {
    absl::StrAppend(&sql, " AND reader_id = ?");
    params.push_back({Param::kString, std::string(reader_id)});
  }
  absl::StrAppend(&sql, " ORDER BY id DESC LIMIT ", limit + 1);
  sql::PreparedStatement& stmt = conn.Prepare(sql);
  Bind(stmt, params);
  ResultSetPtr rs(stmt.executeQuery());
  std::vector<v1::AccessRecord> items;
  std::vector<PageCursor> cursors;
  while (rs->next()) {
    v1::AccessRecord& a = items.emplace_back();
    const int64_t id = rs->getInt64("id");
    const std::string customer = CustomerName(rs->getInt64("customer_id"));
    a.set_name(absl::StrCat(customer, "/accessRecords/", id));
    a.set_customer(customer);
    a.mutable_reader()->set_staff_id(Str(rs, "reader_id"));
    a.mutable_reader()->set_department(Str(rs, "reader_department"));
    a.set_purpose(Str(rs, "purpose"));
    a.set_method(Str(rs, "method"));
    CSM_RETURN_IF_ERROR(SetTime(rs, "access_time", a.mutable_access_time()));
    cursors.push_back({"", id});
  }
  return MakePage(std::move(items), std::move(cursors), limit);
}

}  // namespace csm::customer
