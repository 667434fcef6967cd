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
  // a primary-key lookup in the counter (the comparison in the column's
  // collation, as the COUNT's `owner_id = ?` was; NULL: no row, none open).
  std::vector<std::string> columns(
      staff_ids.size(),
      "(SELECT open_archives FROM owner_open_archives WHERE owner_id = ?)");
  sql::PreparedStatement& stmt =
      conn.Prepare(absl::StrCat("SELECT ", absl::StrJoin(columns, ", ")));
  for (size_t i = 0; i < staff_ids.size(); ++i) {
    stmt.setString(static_cast<unsigned>(i + 1), staff_ids[i]);
  }
  ResultSetPtr rs(stmt.executeQuery());
  rs->next();
  for (size_t i = 0; i < staff_ids.size(); ++i) {
    const unsigned column = static_cast<unsigned>(i + 1);
    counts[staff_ids[i]] = rs->isNull(column) ? 0 : rs->getInt64(column);
  }
  return counts;
}

absl::Status CustomerStore::MoveOpenArchive(
    MysqlConnection& conn, const std::optional<OpenHolder>& before,
    const OpenHolder& after) {
  std::vector<std::pair<std::string, int>> deltas;  // (owner, +1 or -1)
  if (before.has_value() && before->open) {
    deltas.emplace_back(before->owner_id, -1);
  }
  if (after.open) deltas.emplace_back(after.owner_id, 1);
  if (deltas.empty() ||
      (deltas.size() == 2 && deltas[0].first == deltas[1].first)) {
    return absl::OkStatus();
  }
  // Row locks in owner id order (see the header).
  std::sort(deltas.begin(), deltas.end());
  std::vector<std::string> rows(deltas.size(), "(?, ?)");
  sql::PreparedStatement& stmt = conn.Prepare(absl::StrCat(
      "INSERT INTO owner_open_archives (owner_id, open_archives) VALUES ",
      absl::StrJoin(rows, ", "),
      " ON DUPLICATE KEY UPDATE open_archives = open_archives + "
      "VALUES(open_archives)"));
  for (size_t i = 0; i < deltas.size(); ++i) {
    stmt.setString(static_cast<unsigned>(2 * i + 1), deltas[i].first);
    stmt.setInt(static_cast<unsigned>(2 * i + 2), deltas[i].second);
  }
  stmt.executeUpdate();
  return absl::OkStatus();
}

}  // namespace csm::customer
