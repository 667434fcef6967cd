// Binding the parameters of one prepared statement in order, with the
// value conventions of reporting-svc's tables: times as UTC DATETIME(6)
// text, dates as DATE text, unset times and dates as NULL, texts cut to
// their column's width in characters (event texts are capped by their
// producers; the cut only guards the column).
#ifndef CSM_REPORTING_SVC_STORE_SQL_BIND_H_
#define CSM_REPORTING_SVC_STORE_SQL_BIND_H_

#include <google/protobuf/timestamp.pb.h>

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/business_time.h"
#include "common/sql_values.h"
#include "common/text.h"
#include "cppconn/prepared_statement.h"
#include "csm/common/v1/common.pb.h"

namespace csm::reporting {

// An unset Timestamp (0, 0) is "no time".
inline std::optional<absl::Time> OptTime(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return std::nullopt;
  return FromProtoTimestamp(t);
}

// An unset or impossible Date is "no date".
inline std::optional<absl::CivilDay> OptDate(const csm::common::v1::Date& d) {
  if (d.year() == 0) return std::nullopt;
  absl::StatusOr<absl::CivilDay> day = FromProtoDate(d);
  if (!day.ok()) return std::nullopt;
  return *day;
}

class Binder {
 public:
  explicit Binder(sql::PreparedStatement& stmt) : stmt_(stmt) {}

  Binder& Str(absl::string_view s, size_t max_chars = 0) {
    if (max_chars > 0) s = PrefixChars(s, max_chars);
    stmt_.setString(++index_, std::string(s));
    return *this;
  }
  Binder& Int(int64_t v) {
    stmt_.setInt64(++index_, v);
    return *this;
  }
  Binder& Time(absl::Time t) {
    stmt_.setString(++index_, ToSqlTime(t));
    return *this;
  }
  Binder& Time(std::optional<absl::Time> t) {
    if (!t.has_value()) {
      stmt_.setNull(++index_, 0);
      return *this;
    }
    return Time(*t);
  }
  Binder& Date(absl::CivilDay d) {
    stmt_.setString(++index_, ToSqlDate(d));
    return *this;
  }
  Binder& Date(std::optional<absl::CivilDay> d) {
    if (!d.has_value()) {
      stmt_.setNull(++index_, 0);
      return *this;
    }
    return Date(*d);
  }

 private:
  sql::PreparedStatement& stmt_;
  int index_ = 0;
};

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_STORE_SQL_BIND_H_
