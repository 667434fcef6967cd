#include "common/migrations.h"

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "common/sha256.h"
#include "common/status.h"
#include "cppconn/connection.h"
#include "cppconn/exception.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "cppconn/statement.h"

namespace csm {
namespace {

// Splits a migration into statements by the rule in migrations.h: a
// statement ends at a ';' outside quotes and comments that is followed on
// its line only by blanks or comments. Statements with no code are dropped.
std::vector<std::string> SplitSqlStatements(absl::string_view text) {
  enum class State { kCode, kQuote, kLineComment, kBlockComment };
  std::vector<std::string> out;
  State state = State::kCode;
  char quote = 0;
  size_t start = 0;        // where the current statement begins
  bool has_code = false;   // it holds more than blanks and comments
  bool pending = false;    // a ';' may end it at the end of this line
  size_t pending_end = 0;  // position of that ';'

  auto emit = [&](size_t end) {
    if (has_code) {
      out.emplace_back(
          absl::StripAsciiWhitespace(text.substr(start, end - start)));
    }
    has_code = false;
  };

  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const char next = i + 1 < text.size() ? text[i + 1] : '\0';
    switch (state) {
      case State::kQuote:
        if (c == '\\' && quote != '`') {
          ++i;  // backslash escape; a doubled quote just re-enters below
        } else if (c == quote) {
          state = State::kCode;
        }
        continue;
      case State::kBlockComment:
        if (c == '*' && next == '/') {
          state = State::kCode;
          ++i;
        }
        continue;
      case State::kLineComment:
        if (c != '\n') continue;
        state = State::kCode;
        break;  // the newline ends the line: handled below
      case State::kCode:
        break;
    }
    if (c == '\n') {
      if (pending) {
        emit(pending_end);
        start = pending_end + 1;
        pending = false;
      }
      continue;
    }
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) continue;
    if ((c == '-' && next == '-' &&
         (i + 2 >= text.size() ||
          absl::ascii_isspace(static_cast<unsigned char>(text[i + 2])))) ||
        c == '#') {
      state = State::kLineComment;
      continue;
    }
    if (c == '/' && next == '*') {
      state = State::kBlockComment;
      ++i;
      continue;
    }
    if (c == ';') {
      pending = true;
      pending_end = i;
      continue;
    }
    // Code after a ';' on the same line: that ';' was not an end.
    pending = false;
    has_code = true;
    if (c == '\'' || c == '"' || c == '`') {
      state = State::kQuote;
      quote = c;
    }
  }
  emit(pending ? pending_end : text.size());
  return out;
}

constexpr absl::Duration kBorrowTimeout = absl::Seconds(30);

// "common/001_outbox.sql": component and file, as operators know them.
std::string Describe(const Migration& m) {
  return absl::StrFormat("%s/%03d_%s.sql", m.component, m.version, m.name);
}

// The first line that says something, for error messages.
absl::string_view FirstLine(absl::string_view statement) {
  while (!statement.empty()) {
    size_t nl = statement.find('\n');
    absl::string_view line = absl::StripAsciiWhitespace(statement.substr(
        0, nl == absl::string_view::npos ? statement.size() : nl));
    if (!line.empty() && !absl::StartsWith(line, "--") &&
        !absl::StartsWith(line, "#")) {
      return line;
    }
    if (nl == absl::string_view::npos) break;
    statement.remove_prefix(nl + 1);
  }
  return statement;
}

absl::Status Validate(const std::vector<Migration>& migrations) {
  std::map<absl::string_view, int> last_version;
  for (const Migration& m : migrations) {
    if (m.component.empty() || m.component.size() > 64) {
      return absl::InternalError(absl::StrFormat(
          "migration component must be 1..64 characters: '%s'", m.component));
    }
    if (m.version <= 0) {
      return absl::InternalError(absl::StrCat("migration ", Describe(m),
                                              ": version must be positive"));
    }
    if (m.name.size() > 255) {
      return absl::InternalError(absl::StrCat(
          "migration ", Describe(m), ": name longer than 255 characters"));
    }
    auto [it, inserted] = last_version.emplace(m.component, m.version);
    if (!inserted) {
      if (m.version <= it->second) {
        return absl::InternalError(absl::StrFormat(
            "migration %s: versions of component '%s' must be strictly "
            "increasing "
            "(%d follows %d)",
            Describe(m), m.component, m.version, it->second));
      }
      it->second = m.version;
    }
  }
  return absl::OkStatus();
}

struct Applied {
  std::string name;
  std::string checksum;
};

absl::Status ApplyLocked(MysqlConnection& conn,
                         const std::vector<Migration>& migrations) {
  {
    std::unique_ptr<sql::Statement> stmt(conn.raw().createStatement());
    stmt->execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " component VARCHAR(64) NOT NULL,"
        " version INT NOT NULL,"
        " name VARCHAR(255) NOT NULL,"
        " checksum CHAR(64) NOT NULL,"
        " applied_at DATETIME(6) NOT NULL,"
        " PRIMARY KEY (component, version)"
        ") ENGINE=InnoDB");
  }
  std::map<std::pair<std::string, int>, Applied> applied;
  {
    std::unique_ptr<sql::Statement> stmt(conn.raw().createStatement());
    std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery(
        "SELECT component, version, name, checksum FROM schema_migrations"));
    while (rs->next()) {
      applied[{rs->getString(1), rs->getInt(2)}] =
          Applied{rs->getString(3), rs->getString(4)};
    }
  }

  for (const Migration& m : migrations) {
    const std::string checksum = internal::Sha256Hex(m.sql);
    auto it = applied.find({std::string(m.component), m.version});
    if (it != applied.end()) {
      if (it->second.checksum != checksum) {
        return absl::FailedPreconditionError(absl::StrFormat(
            "migration %s was already applied (as '%s') but its text has "
            "changed "
            "(checksum %s recorded, %s now); never edit an applied "
            "migration, add a new one",
            Describe(m), it->second.name, it->second.checksum, checksum));
      }
      continue;
    }

    const absl::Time start = absl::Now();
    // One transaction per migration: DML (and the record below) is atomic;
    // DDL commits implicitly in MySQL, so a multi-statement migration that
    // fails half-way leaves its earlier DDL behind (see migrations.h).
    conn.raw().setAutoCommit(false);
    for (const std::string& statement : SplitSqlStatements(m.sql)) {
      try {
        std::unique_ptr<sql::Statement> stmt(conn.raw().createStatement());
        stmt->execute(statement);
      } catch (const sql::SQLException& e) {
        absl::Status mapped = FromSqlException(e, &conn);
        absl::Status failed(
            mapped.code(),
            absl::StrFormat(
                "migration %s failed at statement \"%s\": %s (MySQL error %d)",
                Describe(m), FirstLine(statement), e.what(), e.getErrorCode()));
        try {
          if (!conn.broken()) conn.raw().rollback();
          if (!conn.broken()) conn.raw().setAutoCommit(true);
        } catch (const sql::SQLException&) {
          conn.MarkBroken();
        }
        return failed;
      }
    }
    sql::PreparedStatement& record = conn.Prepare(
        "INSERT INTO schema_migrations "
        "(component, version, name, checksum, applied_at) "
        "VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6))");
    record.setString(1, std::string(m.component));
    record.setInt(2, m.version);
    record.setString(3, std::string(m.name));
    record.setString(4, checksum);
    record.executeUpdate();
    conn.raw().commit();
    conn.raw().setAutoCommit(true);
    log::Info(
        "applied migration",
        {{"migration", Describe(m)},
         {"ms", absl::StrCat(absl::ToInt64Milliseconds(absl::Now() - start))}});
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ApplyMigrations(MysqlPool& pool,
                             const std::vector<Migration>& migrations) {
  CSM_RETURN_IF_ERROR(Validate(migrations));
  absl::StatusOr<PooledConnection> borrowed =
      pool.Borrow(absl::Now() + kBorrowTimeout);
  if (!borrowed.ok()) return borrowed.status();
  MysqlConnection& conn = **borrowed;

  // The lock is named after the schema so that services sharing one server
  // (locally, or tests running in parallel) do not wait for each other.
  // MySQL caps lock names at 64 characters; truncation only ever makes two
  // schemas share a lock, which is safe.
  constexpr char kLockName[] =
      "LEFT(CONCAT('csm_migrations:', IFNULL(DATABASE(), '')), 64)";
  try {
    std::unique_ptr<sql::Statement> stmt(conn.raw().createStatement());
    std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery(
        absl::StrCat("SELECT GET_LOCK(", kLockName, ", 60)")));
    if (!rs->next() || rs->isNull(1) || rs->getInt(1) != 1) {
      return absl::UnavailableError(
          "could not take the migration lock within 60 s: another replica "
          "is still applying migrations; retry when it is done");
    }
  } catch (const sql::SQLException& e) {
    return FromSqlException(e, &conn);
  }

  absl::Status status;
  try {
    status = ApplyLocked(conn, migrations);
  } catch (const sql::SQLException& e) {
    absl::Status mapped = FromSqlException(e, &conn);
    status = absl::Status(
        mapped.code(), absl::StrCat("applying migrations: ", mapped.message()));
    try {
      if (!conn.broken()) {
        conn.raw().rollback();
        conn.raw().setAutoCommit(true);
      }
    } catch (const sql::SQLException&) {
      conn.MarkBroken();
    }
  }

  if (!conn.broken()) {
    try {
      std::unique_ptr<sql::Statement> stmt(conn.raw().createStatement());
      std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery(
          absl::StrCat("SELECT RELEASE_LOCK(", kLockName, ")")));
    } catch (const sql::SQLException& e) {
      // The session still holds the lock: drop it so the server frees it.
      FromSqlException(e, &conn).IgnoreError();
      conn.MarkBroken();
    }
  }
  return status;
}

}  // namespace csm
