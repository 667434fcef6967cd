#include "reporting-svc/src/store/config_store.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "common/sql_values.h"
#include "common/status.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "reporting-svc/src/store/sql_bind.h"

namespace csm::reporting {

absl::StatusOr<std::optional<StoredConfig>> LoadConfig(MysqlConnection& conn,
                                                       absl::string_view name,
                                                       bool for_update) {
  sql::PreparedStatement& st = conn.Prepare(absl::StrCat(
      "SELECT body, version, update_time, updater_id FROM report_config "
      "WHERE name = ?",
      for_update ? " FOR UPDATE" : ""));
  Binder(st).Str(name);
  std::unique_ptr<sql::ResultSet> rs(st.executeQuery());
  if (!rs->next()) return std::nullopt;
  StoredConfig c;
  c.body = std::string(rs->getString(1));
  c.version = rs->getInt64(2);
  CSM_ASSIGN_OR_RETURN(c.update_time,
                       FromSqlTime(std::string(rs->getString(3))));
  c.updater_id = std::string(rs->getString(4));
  return c;
}

absl::Status SaveConfig(MysqlConnection& conn, absl::string_view name,
                        const StoredConfig& config) {
  sql::PreparedStatement& st = conn.Prepare(
      "INSERT INTO report_config (name, body, version, update_time, "
      "updater_id) VALUES (?,?,?,?,?) ON DUPLICATE KEY UPDATE "
      "body = VALUES(body), version = VALUES(version), "
      "update_time = VALUES(update_time), updater_id = VALUES(updater_id)");
  Binder(st)
      .Str(name)
      .Str(config.body)
      .Int(config.version)
      .Time(config.update_time)
      .Str(config.updater_id, 128);
  st.executeUpdate();
  return absl::OkStatus();
}

}  // namespace csm::reporting
