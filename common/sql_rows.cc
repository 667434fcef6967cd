#include "common/sql_rows.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/business_time.h"
#include "common/sql_values.h"
#include "common/status.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"

namespace csm::sql_rows {

std::string Str(const ResultSetPtr& rs, const char* column) {
  return std::string(rs->getString(column));
}

absl::StatusOr<absl::Time> TimeCol(const ResultSetPtr& rs, const char* column) {
  return FromSqlTime(Str(rs, column));
}

absl::Status SetTime(const ResultSetPtr& rs, const char* column,
                     google::protobuf::Timestamp* out) {
  CSM_ASSIGN_OR_RETURN(absl::Time t, TimeCol(rs, column));
  ToProtoTimestamp(t, out);
  return absl::OkStatus();
}

absl::StatusOr<std::optional<absl::CivilDay>> DateCol(const ResultSetPtr& rs,
                                                      const char* column) {
  if (rs->isNull(column)) return std::optional<absl::CivilDay>();
  CSM_ASSIGN_OR_RETURN(absl::CivilDay day, FromSqlDate(Str(rs, column)));
  return std::optional<absl::CivilDay>(day);
}

std::string Str(const ResultSetPtr& rs, unsigned column) {
  return std::string(rs->getString(column));
}

absl::Status SetTime(const ResultSetPtr& rs, unsigned column,
                     google::protobuf::Timestamp* out) {
  CSM_ASSIGN_OR_RETURN(absl::Time t, FromSqlTime(Str(rs, column)));
  ToProtoTimestamp(t, out);
  return absl::OkStatus();
}

absl::StatusOr<std::optional<absl::CivilDay>> DateCol(const ResultSetPtr& rs,
                                                      unsigned column) {
  if (rs->isNull(column)) return std::optional<absl::CivilDay>();
  CSM_ASSIGN_OR_RETURN(absl::CivilDay day, FromSqlDate(Str(rs, column)));
  return std::optional<absl::CivilDay>(day);
}

absl::StatusOr<int64_t> InsertedId(sql::PreparedStatement& stmt) {
  ResultSetPtr rs(stmt.executeQuery());
  if (!rs->next()) {
    return absl::InternalError(
        "an INSERT ... RETURNING id returned no row: no id for the new row");
  }
  return rs->getInt64(1);
}

size_t PaddedSize(size_t n) {
  for (size_t bucket : {1, 8, 64, 512, 2048}) {
    if (n <= bucket) return bucket;
  }
  return n;
}

std::string Placeholders(size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) absl::StrAppend(&s, i == 0 ? "?" : ",?");
  return s;
}

void SetActor(const Principal& p, csm::common::v1::Actor* actor) {
  actor->set_staff_id(p.staff_id);
  actor->set_department(p.department);
}

Param Param::Time(absl::Time t) { return String(ToSqlTime(t)); }

void Bind(sql::PreparedStatement& stmt, const std::vector<Param>& params) {
  for (size_t i = 0; i < params.size(); ++i) {
    const unsigned idx = static_cast<unsigned>(i + 1);
    switch (params[i].type) {
      case Param::kString:
        stmt.setString(idx, params[i].s);
        break;
      case Param::kInt:
        stmt.setInt64(idx, params[i].i);
        break;
      case Param::kNull:
        stmt.setNull(idx, 0);
        break;
    }
  }
}

absl::string_view SqlOp(FilterTerm::Op op) {
  for (const FilterOperator& o : FilterOperators()) {
    if (o.op == op) return o.sql;
  }
  return "=";
}

std::string EscapeLike(absl::string_view value) {
  std::string out;
  for (char ch : value) {
    if (ch == '%' || ch == '_' || ch == '\\') out.push_back('\\');
    out.push_back(ch);
  }
  return out;
}

absl::Status AddFilterCondition(const FilterTerm& term, const FilterColumn& col,
                                std::vector<std::string>* where,
                                std::vector<Param>* params) {
  const bool ordering_op =
      term.op == FilterTerm::Op::kLt || term.op == FilterTerm::Op::kLe ||
      term.op == FilterTerm::Op::kGt || term.op == FilterTerm::Op::kGe;
  switch (col.kind) {
    case FilterColumn::kString: {
      if (ordering_op) {
        return InvalidField("filter", absl::StrCat("field ", Quote(term.field),
                                                   " supports = != and :"));
      }
      where->push_back(absl::StrCat(col.column, " ", SqlOp(term.op), " ?"));
      params->push_back(
          {Param::kString, term.op == FilterTerm::Op::kHas
                               ? absl::StrCat("%", EscapeLike(term.value), "%")
                               : term.value});
      return absl::OkStatus();
    }
    case FilterColumn::kKeyword: {
      if (term.op != FilterTerm::Op::kEq && term.op != FilterTerm::Op::kNe) {
        return InvalidField("filter", absl::StrCat("field ", Quote(term.field),
                                                   " supports = and !="));
      }
      where->push_back(absl::StrCat(col.column, " ", SqlOp(term.op), " ?"));
      params->push_back({Param::kString, term.value});
      return absl::OkStatus();
    }
    case FilterColumn::kEnum: {
      if (term.op != FilterTerm::Op::kEq && term.op != FilterTerm::Op::kNe) {
        return InvalidField("filter", absl::StrCat("field ", Quote(term.field),
                                                   " supports = and !="));
      }
      const google::protobuf::EnumValueDescriptor* value =
          col.descriptor()->FindValueByName(term.value);
      if (value == nullptr || (value->number() == 0 && !col.zero_is_a_value)) {
        return InvalidField(
            "filter", absl::StrCat(Quote(term.value), " is not a value of ",
                                   col.descriptor()->name()));
      }
      where->push_back(absl::StrCat(col.column, " ", SqlOp(term.op), " ?"));
      params->push_back({Param::kInt, "", value->number()});
      return absl::OkStatus();
    }
    case FilterColumn::kTime: {
      if (term.op == FilterTerm::Op::kHas) {
        return InvalidField("filter", absl::StrCat("field ", Quote(term.field),
                                                   " supports comparisons"));
      }
      absl::Time t;
      std::string err;
      if (!absl::ParseTime(absl::RFC3339_full, term.value, &t, &err)) {
        return InvalidField("filter",
                            absl::StrCat(Quote(term.value), " for ", term.field,
                                         " is not an RFC 3339 time (e.g. "
                                         "2026-11-01T00:00:00+08:00)"));
      }
      where->push_back(absl::StrCat(col.column, " ", SqlOp(term.op), " ?"));
      params->push_back({Param::kString, ToSqlTime(t)});
      return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

}  // namespace csm::sql_rows
