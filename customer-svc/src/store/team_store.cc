// CustomerStore: teams and their members.
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
// ---- teams

absl::StatusOr<TeamRecord> CustomerStore::GetTeam(MysqlConnection& conn,
                                                  absl::string_view team_id,
                                                  bool lock) {
  sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
      "SELECT team_id, display_name, department, rr_cursor, version, "
      "update_time FROM teams WHERE team_id = ?",
      lock ? " FOR UPDATE" : ""));
  stmt.setString(1, std::string(team_id));
  ResultSetPtr rs(stmt.executeQuery());
  if (!rs->next()) {
    return absl::NotFoundError(
        absl::StrCat("team teams/", team_id, " does not exist"));
  }
  TeamRecord rec;
  rec.team.set_name(absl::StrCat("teams/", Str(rs, "team_id")));
  rec.team.set_display_name(Str(rs, "display_name"));
  rec.team.set_department(Str(rs, "department"));
  rec.rr_cursor = rs->getInt64("rr_cursor");
  rec.version = rs->getInt64("version");
  rec.team.set_etag(std::to_string(rec.version));
  CSM_RETURN_IF_ERROR(
      SetTime(rs, "update_time", rec.team.mutable_update_time()));
  rs.reset();
  sql::PreparedStatement& members = conn.Prepare(
      "SELECT staff_id FROM team_members WHERE team_id = ? ORDER BY position");
  members.setString(1, std::string(team_id));
  ResultSetPtr mrs(members.executeQuery());
  while (mrs->next()) rec.team.add_member_ids(Str(mrs, "staff_id"));
  return rec;
}

namespace {

absl::Status WriteMembers(MysqlConnection& conn, absl::string_view team_id,
                          const v1::Team& team) {
  sql::PreparedStatement& del =
      conn.Prepare("DELETE FROM team_members WHERE team_id = ?");
  del.setString(1, std::string(team_id));
  del.executeUpdate();
  sql::PreparedStatement& ins = conn.Prepare(
      "INSERT INTO team_members (team_id, position, staff_id) VALUES (?, ?, "
      "?)");
  for (int i = 0; i < team.member_ids_size(); ++i) {
    ins.setString(1, std::string(team_id));
    ins.setInt(2, i);
    ins.setString(3, team.member_ids(i));
    ins.executeUpdate();
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CustomerStore::InsertTeam(MysqlConnection& conn,
                                       absl::string_view team_id,
                                       v1::Team* team, absl::Time now) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "INSERT INTO teams (team_id, display_name, department, rr_cursor, "
      "version, update_time) VALUES (?, ?, ?, 0, 1, ?)");
  stmt.setString(1, std::string(team_id));
  stmt.setString(2, team->display_name());
  stmt.setString(3, team->department());
  stmt.setString(4, ToSqlTime(now));
  stmt.executeUpdate();
  CSM_RETURN_IF_ERROR(WriteMembers(conn, team_id, *team));
  team->set_name(absl::StrCat("teams/", team_id));
  team->set_etag("1");
  ToProtoTimestamp(now, team->mutable_update_time());
  return absl::OkStatus();
}

absl::Status CustomerStore::UpdateTeam(MysqlConnection& conn,
                                       absl::string_view team_id,
                                       v1::Team* team, int64_t expected_version,
                                       absl::Time now) {
  sql::PreparedStatement& stmt = conn.Prepare(
      "UPDATE teams SET display_name = ?, department = ?, version = version "
      "+ 1, update_time = ? WHERE team_id = ? AND version = ?");
  stmt.setString(1, team->display_name());
  stmt.setString(2, team->department());
  stmt.setString(3, ToSqlTime(now));
  stmt.setString(4, std::string(team_id));
  stmt.setInt64(5, expected_version);
  if (stmt.executeUpdate() != 1) {
    return absl::AbortedError(absl::StrCat(
        "teams/", team_id, " was changed by someone else since version ",
        expected_version, "; read it again and retry"));
  }
  CSM_RETURN_IF_ERROR(WriteMembers(conn, team_id, *team));
  team->set_etag(std::to_string(expected_version + 1));
  ToProtoTimestamp(now, team->mutable_update_time());
  return absl::OkStatus();
}

absl::Status CustomerStore::SetTeamCursor(MysqlConnection& conn,
                                          absl::string_view team_id,
                                          int64_t cursor) {
  sql::PreparedStatement& stmt =
      conn.Prepare("UPDATE teams SET rr_cursor = ? WHERE team_id = ?");
  stmt.setInt64(1, cursor);
  stmt.setString(2, std::string(team_id));
  stmt.executeUpdate();
  return absl::OkStatus();
}

absl::StatusOr<Page<v1::Team>> CustomerStore::ListTeams(
    MysqlConnection& conn, std::optional<PageCursor> after, int limit) {
  sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
      "SELECT team_id FROM teams WHERE team_id > ? ORDER BY team_id LIMIT ",
      limit + 1));
  stmt.setString(1, after.has_value() ? after->key : "");
  ResultSetPtr rs(stmt.executeQuery());
  std::vector<std::string> ids;
  while (rs->next()) ids.push_back(Str(rs, "team_id"));
  rs.reset();
  std::vector<v1::Team> items;
  std::vector<PageCursor> cursors;
  for (const std::string& id : ids) {
    CSM_ASSIGN_OR_RETURN(TeamRecord rec, GetTeam(conn, id, false));
    items.push_back(std::move(rec.team));
    cursors.push_back({id, 0});
  }
  return MakePage(std::move(items), std::move(cursors), limit);
}

absl::StatusOr<absl::flat_hash_map<std::string, int64_t>>
CustomerStore::OpenArchiveCounts(MysqlConnection& conn,
                                 const std::vector<std::string>& staff_ids) {
  absl::flat_hash_map<std::string, int64_t> counts;
  if (staff_ids.empty()) return counts;
  // One round trip for the whole team: a row of one count per member, each
  // the same index-only `owner_id = ?` count as before (the comparison in
  // the column's collation, so no grouping that could merge two spellings).
  std::vector<std::string> columns(
      staff_ids.size(),
      "(SELECT COUNT(*) FROM customers WHERE owner_id = ? AND state = ?)");
  sql::PreparedStatement& stmt =
      conn.Prepare(absl::StrCat("SELECT ", absl::StrJoin(columns, ", ")));
  for (size_t i = 0; i < staff_ids.size(); ++i) {
    stmt.setString(static_cast<unsigned>(2 * i + 1), staff_ids[i]);
    stmt.setInt(static_cast<unsigned>(2 * i + 2), v1::ARCHIVE_STATE_OPEN);
  }
  ResultSetPtr rs(stmt.executeQuery());
  rs->next();
  for (size_t i = 0; i < staff_ids.size(); ++i) {
    counts[staff_ids[i]] = rs->getInt64(static_cast<unsigned>(i + 1));
  }
  return counts;
}

}  // namespace csm::customer
