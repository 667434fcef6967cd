#include "reporting-svc/src/app/report_config.h"

#include <functional>
#include <optional>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/business_time.h"
#include "common/etag.h"
#include "common/idempotency.h"
#include "common/status.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/util/field_mask_util.h"
#include "reporting-svc/src/domain/attrition.h"
#include "reporting-svc/src/domain/completeness.h"
#include "reporting-svc/src/domain/ranking.h"
#include "reporting-svc/src/store/config_store.h"

namespace csm::reporting {
namespace {

using google::protobuf::FieldMask;
using google::protobuf::Message;

// One configurable resource: its name, request field, what an update may
// change, its default and its rule.
template <typename M>
struct ConfigKind {
  const char* name;
  const char* field;
  std::set<std::string> paths;
  std::function<M()> make_default;
  std::function<void(const M&, const std::string&, FieldViolations*)> validate;
};

const ConfigKind<rv1::ScoringFormula>& Formula() {
  static const auto* kind = new ConfigKind<rv1::ScoringFormula>{
      "scoringFormula",
      "scoring_formula",
      {"terms", "first_tier_places", "second_tier_places", "min_evidence"},
      [] {
        rv1::ScoringFormula m;
        ToProto(DefaultScoringFormula(), &m);
        return m;
      },
      [](const rv1::ScoringFormula& m, const std::string& field,
         FieldViolations* v) {
        ValidateScoringFormula(FromProto(m), field, v);
      }};
  return *kind;
}

const ConfigKind<rv1::CompletenessRule>& Completeness() {
  static const auto* kind = new ConfigKind<rv1::CompletenessRule>{
      "completenessRule",
      "completeness_rule",
      {"required_fields"},
      [] {
        rv1::CompletenessRule m;
        ToProto(DefaultRequiredFields(), &m);
        return m;
      },
      [](const rv1::CompletenessRule& m, const std::string& field,
         FieldViolations* v) {
        ValidateRequiredFields(FromProto(m), field + ".required_fields", v);
      }};
  return *kind;
}

const ConfigKind<rv1::AttritionRule>& Attrition() {
  static const auto* kind = new ConfigKind<rv1::AttritionRule>{
      "attritionRule",
      "attrition_rule",
      {"no_dealing_days", "no_communication_days", "complaint_lookback_days",
       "promise_lookback_days", "min_broken_promises",
       "dissatisfied_last_visit", "monitored_statuses"},
      [] {
        rv1::AttritionRule m;
        ToProto(AttritionRule(), &m);
        return m;
      },
      [](const rv1::AttritionRule& m, const std::string& field,
         FieldViolations* v) {
        ValidateAttritionRule(FromProto(m), field, v);
      }};
  return *kind;
}

// The output-only fields every configuration resource has, by name.
void SetMeta(Message* m, const std::string& name, int64_t version,
             std::optional<absl::Time> update_time,
             const std::string& updater) {
  const auto* d = m->GetDescriptor();
  const auto* r = m->GetReflection();
  r->SetString(m, d->FindFieldByName("name"), name);
  r->SetString(m, d->FindFieldByName("etag"), absl::StrCat(version));
  r->SetString(m, d->FindFieldByName("updater_id"), updater);
  const auto* time = d->FindFieldByName("update_time");
  if (update_time.has_value()) {
    ToProtoTimestamp(*update_time, static_cast<google::protobuf::Timestamp*>(
                                       r->MutableMessage(m, time)));
  } else {
    r->ClearField(m, time);
  }
}

template <typename M>
absl::StatusOr<std::pair<M, int64_t>> Load(MysqlConnection& conn,
                                           const ConfigKind<M>& kind,
                                           bool for_update) {
  CSM_ASSIGN_OR_RETURN(std::optional<StoredConfig> stored,
                       LoadConfig(conn, kind.name, for_update));
  if (!stored.has_value()) {
    M m = kind.make_default();
    SetMeta(&m, kind.name, 1, std::nullopt, "");
    return std::pair{std::move(m), int64_t{1}};
  }
  M m;
  if (!m.ParseFromString(stored->body)) {
    return absl::DataLossError(absl::StrCat(kind.name, " does not parse"));
  }
  SetMeta(&m, kind.name, stored->version, stored->update_time,
          stored->updater_id);
  return std::pair{std::move(m), stored->version};
}

template <typename M>
absl::StatusOr<M> Read(const ReportContext& ctx, const CallContext& call,
                       const ConfigKind<M>& kind) {
  M out;
  CSM_RETURN_IF_ERROR(
      ReadSnapshot(ctx, call, [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(auto loaded, Load(conn, kind, false));
        out = std::move(loaded.first);
        return absl::OkStatus();
      }));
  return out;
}

template <typename M, typename Request>
absl::StatusOr<M> Update(const ReportContext& ctx, const CallContext& call,
                         const Request& request, const M& change,
                         const ConfigKind<M>& kind) {
  FieldViolations v;
  CheckUpdateMask(request.update_mask(), kind.paths, &v);
  CSM_RETURN_IF_ERROR(v.ToStatus());
  CSM_ASSIGN_OR_RETURN(
      int64_t expected,
      ParseEtag(change.etag(), absl::StrCat(kind.field, ".etag")));
  M out;
  CSM_RETURN_IF_ERROR(RunIdempotent(
      *ctx.pool, call, request.request_id(), request, &out,
      [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(auto current, Load(conn, kind, true));
        CSM_RETURN_IF_ERROR(CheckEtag(kind.name, current.second, expected));
        M merged = current.first;
        ApplyUpdateMask(change, request.update_mask(), &merged);
        FieldViolations invalid;
        kind.validate(merged, kind.field, &invalid);
        CSM_RETURN_IF_ERROR(invalid.ToStatus());
        StoredConfig stored;
        stored.version = current.second + 1;
        stored.update_time = absl::Now();
        stored.updater_id = call.principal.staff_id;
        M body = merged;
        for (const char* meta : {"name", "etag", "update_time", "updater_id"}) {
          body.GetReflection()->ClearField(
              &body, body.GetDescriptor()->FindFieldByName(meta));
        }
        stored.body = body.SerializeAsString();
        CSM_RETURN_IF_ERROR(SaveConfig(conn, kind.name, stored));
        SetMeta(&merged, kind.name, stored.version, stored.update_time,
                stored.updater_id);
        out = std::move(merged);
        return absl::OkStatus();
      }));
  return out;
}

template <typename M>
absl::StatusOr<M> ReadOn(MysqlConnection& conn, const ConfigKind<M>& kind) {
  CSM_ASSIGN_OR_RETURN(auto loaded, Load(conn, kind, false));
  return std::move(loaded.first);
}

}  // namespace

void CheckUpdateMask(const FieldMask& mask,
                     const std::set<std::string>& allowed, FieldViolations* v) {
  if (mask.paths_size() == 0) {
    v->Add("update_mask", "required: the fields to change");
  }
  for (int i = 0; i < mask.paths_size(); ++i) {
    if (allowed.count(mask.paths(i)) == 0) {
      v->Add(absl::StrCat("update_mask.paths[", i, "]"),
             "is not a field that can be changed");
    }
  }
}

void ApplyUpdateMask(const Message& change, const FieldMask& mask,
                     Message* target) {
  google::protobuf::util::FieldMaskUtil::MergeOptions options;
  options.set_replace_repeated_fields(true);
  options.set_replace_message_fields(true);
  google::protobuf::util::FieldMaskUtil::MergeMessageTo(change, mask, options,
                                                        target);
}

absl::StatusOr<rv1::ScoringFormula> ReadScoringFormula(MysqlConnection& conn) {
  return ReadOn(conn, Formula());
}
absl::StatusOr<rv1::CompletenessRule> ReadCompletenessRule(
    MysqlConnection& conn) {
  return ReadOn(conn, Completeness());
}
absl::StatusOr<rv1::AttritionRule> ReadAttritionRule(MysqlConnection& conn) {
  return ReadOn(conn, Attrition());
}

absl::StatusOr<rv1::ScoringFormula> GetScoringFormula(const ReportContext& ctx,
                                                      const CallContext& call) {
  return Read(ctx, call, Formula());
}
absl::StatusOr<rv1::CompletenessRule> GetCompletenessRule(
    const ReportContext& ctx, const CallContext& call) {
  return Read(ctx, call, Completeness());
}
absl::StatusOr<rv1::AttritionRule> GetAttritionRule(const ReportContext& ctx,
                                                    const CallContext& call) {
  return Read(ctx, call, Attrition());
}

absl::StatusOr<rv1::ScoringFormula> UpdateScoringFormula(
    const ReportContext& ctx, const CallContext& call,
    const rv1::UpdateScoringFormulaRequest& request) {
  return Update(ctx, call, request, request.scoring_formula(), Formula());
}
absl::StatusOr<rv1::CompletenessRule> UpdateCompletenessRule(
    const ReportContext& ctx, const CallContext& call,
    const rv1::UpdateCompletenessRuleRequest& request) {
  return Update(ctx, call, request, request.completeness_rule(),
                Completeness());
}
absl::StatusOr<rv1::AttritionRule> UpdateAttritionRule(
    const ReportContext& ctx, const CallContext& call,
    const rv1::UpdateAttritionRuleRequest& request) {
  return Update(ctx, call, request, request.attrition_rule(), Attrition());
}

}  // namespace csm::reporting
