// csm-demo-data: loads a realistic demo data set into a running customer-svc
// through its gRPC API: 3 teams, 37 archives (enterprises, institutions,
// individuals) with contacts, grade and credit rating changes, dealings, one
// ownership transfer and one closed archive; communication records with
// promises, return-visit plans and visits. Every mutating call carries a
// request id derived from the seed, so running it again changes nothing.

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "common/business_time.h"
#include "csm/customer/v1/customer.grpc.pb.h"
#include "csm/customer/v1/visits.grpc.pb.h"
#include "tools/csmctl_lib.h"
#include "tools/demo_complaints.h"
#include "tools/demo_data_lib.h"

ABSL_FLAG(std::string, addr, "127.0.0.1:50051", "customer-svc address");
ABSL_FLAG(std::string, token, "",
          "bearer token with the roles archivist and supervisor "
          "(default: $CSM_TOKEN)");
ABSL_FLAG(std::string, complaints_addr, "127.0.0.1:50052",
          "complaint-svc address for the demo complaints; empty skips them");
ABSL_FLAG(std::string, jwt_secret_file, "",
          "file with the services' JWT secret: the demo complaints are then "
          "handled by demo supervisors of each handling department (tokens "
          "signed here, valid 1 h); without it, only what --token may do");
ABSL_FLAG(std::string, jwt_issuer, "csm", "issuer of those tokens");
ABSL_FLAG(uint64_t, seed, 1,
          "seed of the data set: the same seed loads the same data, and "
          "loading it again changes nothing");

namespace csm::demo {
namespace {

namespace v1 = ::csm::customer::v1;
using Stub = v1::CustomerService::Stub;

constexpr absl::Duration kDeadline = absl::Seconds(10);

struct Summary {
  int teams_created = 0;
  int teams_existing = 0;
  std::map<v1::CustomerKind, int> customers;
  // Team -> staff -> archives allocated to them at creation.
  std::map<std::string, std::map<std::string, int>> allocated;
  int grade_changes = 0;
  int credit_changes = 0;
  int transfers = 0;
  int dealings = 0;
  int closed = 0;
  int communications = 0;
  int promises = 0;
  int promises_kept = 0;
  int visit_plans = 0;
  int visits = 0;
  int sms_visits = 0;
  int visits_not_counted = 0;
  // Plans overdue right after loading (as the server said).
  int plans_overdue = 0;
  std::vector<std::string> warnings;
};

class Loader {
 public:
  Loader(std::shared_ptr<grpc::Channel> channel, std::string token)
      : stub_(v1::CustomerService::NewStub(channel)),
        communications_(v1::CommunicationService::NewStub(channel)),
        visits_(v1::VisitService::NewStub(channel)),
        token_(std::move(token)) {}

  // False after printing the first unexpected error.
  bool Load(const DemoPlan& plan) {
    if (!LoadTeams(plan)) return false;
    for (const CustomerPlan& c : plan.customers) {
      if (!LoadCustomer(c)) return false;
    }
    return true;
  }

  const Summary& summary() const { return summary_; }

 private:
  template <typename Request, typename Response>
  using Method = grpc::Status (Stub::*)(grpc::ClientContext*, const Request&,
                                        Response*);

  // One call with a deadline, the bearer token and the request id.
  template <typename Request, typename Response>
  grpc::Status Invoke(Method<Request, Response> method, const Request& request,
                      const std::string& request_id, Response* response) {
    return InvokeOn(*stub_, method, request, request_id, response);
  }

  template <typename S, typename Request, typename Response>
  grpc::Status InvokeOn(S& stub,
                        grpc::Status (S::*method)(grpc::ClientContext*,
                                                  const Request&, Response*),
                        const Request& request, const std::string& request_id,
                        Response* response) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + kDeadline));
    if (!token_.empty()) {
      context.AddMetadata("authorization", "Bearer " + token_);
    }
    context.AddMetadata("x-request-id", request_id);
    return (stub.*method)(&context, request, response);
  }

  static bool Fail(absl::string_view step, const grpc::Status& status) {
    std::cerr << csmctl::FormatRpcError(status) << "  while " << step << "\n";
    return false;
  }

  bool LoadTeams(const DemoPlan& plan) {
    for (const v1::CreateTeamRequest& req : plan.teams) {
      v1::Team team;
      grpc::Status s = Invoke(&Stub::CreateTeam, req, req.request_id(), &team);
      if (s.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
        // Created earlier (e.g. by a run with another seed): use it as is.
        v1::GetTeamRequest get;
        get.set_name("teams/" + req.team_id());
        s = Invoke(&Stub::GetTeam, get, req.request_id() + "-get", &team);
        if (!s.ok()) return Fail("reading team " + req.team_id(), s);
        ++summary_.teams_existing;
      } else if (s.ok()) {
        ++summary_.teams_created;
      } else {
        return Fail("creating team " + req.team_id(), s);
      }
      members_[req.team_id()].assign(team.member_ids().begin(),
                                     team.member_ids().end());
    }
    return true;
  }

  // The first member of `team` who does not own the archive yet.
  std::string NewOwner(const v1::Customer& c, const std::string& team) const {
    auto it = members_.find(team);
    if (it == members_.end()) return "";
    for (const std::string& m : it->second) {
      if (m != c.owner_id()) return m;
    }
    return "";
  }

  bool LoadCustomer(const CustomerPlan& plan) {
    const std::string label = absl::StrCat(
        plan.key, " (", plan.create.customer().display_name(), ")");
    v1::CreateCustomerResponse created;
    grpc::Status s = Invoke(&Stub::CreateCustomer, plan.create,
                            plan.create.request_id(), &created);
    if (!s.ok()) return Fail("creating " + label, s);
    v1::Customer c = created.customer();
    ++summary_.customers[c.kind()];
    ++summary_.allocated[c.team()][c.owner_id()];
    for (const v1::DuplicateWarning& w : created.duplicate_warnings()) {
      summary_.warnings.push_back(absl::StrCat(
          c.display_name(), " (", c.name(), ") looks like ", w.display_name(),
          " (", w.customer(), ", ", w.archive_number(),
          "): ", v1::DuplicateWarning::Reason_Name(w.reason())));
    }

    // Changes that return the archive: each sends the etag of the last one.
    for (v1::ChangeGradeRequest req : plan.grade_changes) {
      req.set_name(c.name());
      req.set_etag(c.etag());
      s = Invoke(&Stub::ChangeGrade, req, req.request_id(), &c);
      if (!s.ok()) return Fail("changing the grade of " + label, s);
      ++summary_.grade_changes;
    }
    if (plan.credit_change) {
      v1::ChangeCreditRatingRequest req = *plan.credit_change;
      req.set_name(c.name());
      req.set_etag(c.etag());
      s = Invoke(&Stub::ChangeCreditRating, req, req.request_id(), &c);
      if (!s.ok()) return Fail("changing the credit rating of " + label, s);
      ++summary_.credit_changes;
    }
    if (plan.transfer) {
      v1::TransferOwnershipRequest req = *plan.transfer;
      req.set_name(c.name());
      req.set_etag(c.etag());
      req.set_new_owner_id(NewOwner(c, req.team()));
      s = Invoke(&Stub::TransferOwnership, req, req.request_id(), &c);
      if (!s.ok()) return Fail("transferring " + label, s);
      ++summary_.transfers;
    }

    for (v1::RecordDealingRequest req : plan.dealings) {
      req.set_parent(c.name());
      v1::Dealing dealing;
      s = Invoke(&Stub::RecordDealing, req, req.request_id(), &dealing);
      if (!s.ok()) return Fail("recording a dealing of " + label, s);
      ++summary_.dealings;
    }

    if (!LoadFollowUps(plan, c, label)) return false;

    if (plan.close) {
      // The etag of the last change: dealings, contacts and visits do not
      // move it, and on a second run the replayed answers carry the same one
      // (reading the archive now would see it closed, with a newer etag, and
      // the close would no longer match its request id).
      v1::CloseCustomerRequest req = *plan.close;
      req.set_name(c.name());
      req.set_etag(c.etag());
      s = Invoke(&Stub::CloseCustomer, req, req.request_id(), &c);
      if (!s.ok()) return Fail("closing " + label, s);
      ++summary_.closed;
    }

    std::cout << plan.key << "  " << c.name() << "  " << c.archive_number()
              << "  " << c.display_name() << "  owner " << c.owner_id() << " ("
              << c.team() << ")  grade " << v1::Grade_Name(c.grade()) << "\n";
    return true;
  }

  // Communication records with their promises, then visit plans with their
  // visits, in the order they happened.
  bool LoadFollowUps(const CustomerPlan& plan, const v1::Customer& c,
                     const std::string& label) {
    using CommStub = v1::CommunicationService::Stub;
    using VisitStub = v1::VisitService::Stub;
    for (const CommunicationStep& step : plan.communications) {
      v1::RecordCommunicationRequest req = step.record;
      req.set_parent(c.name());
      if (req.communication().staff_id().empty()) {
        req.mutable_communication()->set_staff_id(c.owner_id());
      }
      v1::Communication recorded;
      grpc::Status s =
          InvokeOn(*communications_, &CommStub::RecordCommunication, req,
                   req.request_id(), &recorded);
      if (!s.ok()) return Fail("recording a contact with " + label, s);
      ++summary_.communications;
      if (recorded.has_promise()) ++summary_.promises;
      if (step.keep) {
        v1::KeepPromiseRequest keep = *step.keep;
        keep.set_name(recorded.name());
        s = InvokeOn(*communications_, &CommStub::KeepPromise, keep,
                     keep.request_id(), &recorded);
        if (!s.ok()) return Fail("keeping a promise to " + label, s);
        ++summary_.promises_kept;
      }
    }
    for (const VisitPlanStep& step : plan.visit_plans) {
      v1::CreateVisitPlanRequest create = step.create;
      create.set_parent(c.name());
      v1::VisitPlan visit_plan;
      grpc::Status s = InvokeOn(*visits_, &VisitStub::CreateVisitPlan, create,
                                create.request_id(), &visit_plan);
      if (!s.ok()) return Fail("creating a visit plan for " + label, s);
      ++summary_.visit_plans;
      for (v1::RecordVisitRequest req : step.visits) {
        req.set_parent(visit_plan.name());
        v1::RecordVisitResponse recorded;
        s = InvokeOn(*visits_, &VisitStub::RecordVisit, req, req.request_id(),
                     &recorded);
        if (!s.ok()) return Fail("recording a visit to " + label, s);
        ++summary_.visits;
        if (recorded.visit().method() == v1::VISIT_METHOD_SMS) {
          ++summary_.sms_visits;
        }
        if (!recorded.visit().counted()) ++summary_.visits_not_counted;
        visit_plan = recorded.visit_plan();
      }
      if (visit_plan.status() == v1::VISIT_STATUS_OVERDUE) {
        ++summary_.plans_overdue;
      }
    }
    return true;
  }

  std::unique_ptr<Stub> stub_;
  std::unique_ptr<v1::CommunicationService::Stub> communications_;
  std::unique_ptr<v1::VisitService::Stub> visits_;
  std::string token_;
  // Team id -> member staff ids, as the server has them.
  std::map<std::string, std::vector<std::string>> members_;
  Summary summary_;
};

// Tokens of the demo staff of each handling department (a supervisor each,
// who may handle and decide on the department's complaints). 客服部 is the
// loader itself, the complaints' first responder.
absl::StatusOr<DepartmentTokens> DemoStaffTokens(const std::string& loader) {
  const std::string path = absl::GetFlag(FLAGS_jwt_secret_file);
  if (path.empty()) return DepartmentTokens();
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  const std::string secret(absl::StripAsciiWhitespace(text.str()));
  if (!in || secret.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read a JWT secret from ", path));
  }
  const std::map<std::string, std::string> staff = {
      {"技术服务部", "demo-tech-sup"},
      {"仓储物流", "demo-logistics-sup"},
      {"销售部", "demo-sales-sup"}};
  std::map<std::string, std::string> tokens;
  for (const auto& [department, id] : staff) {
    Principal p{id, department, RoleSet{Role::kSupervisor}};
    absl::StatusOr<std::string> token =
        MintToken(secret, absl::GetFlag(FLAGS_jwt_issuer), p, absl::Now(),
                  absl::Hours(1));
    if (!token.ok()) return token.status();
    tokens[department] = *token;
  }
  return DepartmentTokens(
      [tokens, loader](const std::string& department) -> std::string {
        auto it = tokens.find(department);
        return it == tokens.end() ? loader : it->second;
      });
}

void PrintSummary(const DemoPlan& plan, const std::string& addr,
                  const Summary& s) {
  auto count = [&s](v1::CustomerKind kind) {
    auto it = s.customers.find(kind);
    return it == s.customers.end() ? 0 : it->second;
  };
  std::cout << "\nDemo data (seed " << plan.seed << ") loaded into " << addr
            << "\n"
            << "  teams:     " << s.teams_created << " created, "
            << s.teams_existing << " already there\n"
            << "  customers: "
            << count(v1::CUSTOMER_KIND_ENTERPRISE) +
                   count(v1::CUSTOMER_KIND_INSTITUTION) +
                   count(v1::CUSTOMER_KIND_INDIVIDUAL)
            << " (enterprises " << count(v1::CUSTOMER_KIND_ENTERPRISE)
            << ", institutions " << count(v1::CUSTOMER_KIND_INSTITUTION)
            << ", individuals " << count(v1::CUSTOMER_KIND_INDIVIDUAL) << ")\n"
            << "  allocated at creation:\n";
  for (const auto& [team, owners] : s.allocated) {
    std::vector<std::string> counts;
    for (const auto& [owner, n] : owners) {
      counts.push_back(absl::StrCat(owner, " ", n));
    }
    std::cout << "    " << team << ": " << absl::StrJoin(counts, ", ") << "\n";
  }
  std::cout << "  grade changes " << s.grade_changes
            << ", credit rating changes " << s.credit_changes << ", dealings "
            << s.dealings << ", transfers " << s.transfers << ", closed "
            << s.closed << "\n"
            << "  communications " << s.communications << " (promises "
            << s.promises << ", kept " << s.promises_kept << "), visit plans "
            << s.visit_plans << " (overdue " << s.plans_overdue << "), visits "
            << s.visits << " (by SMS " << s.sms_visits << ", not counted "
            << s.visits_not_counted << ")\n"
            << "  duplicate warnings: " << s.warnings.size() << "\n";
  for (const std::string& w : s.warnings) std::cout << "    " << w << "\n";
}

int Main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Loads demo data into customer-svc.\n"
      "Usage: csm-demo-data [--addr=127.0.0.1:50051] [--token=JWT] "
      "[--jwt_secret_file=FILE] [--seed=1]");
  absl::ParseCommandLine(argc, argv);
  std::string token = absl::GetFlag(FLAGS_token);
  if (token.empty()) {
    const char* env = std::getenv("CSM_TOKEN");
    if (env != nullptr) token = env;
  }
  if (token.empty()) {
    std::cerr << "csm-demo-data: no token; pass --token or set CSM_TOKEN "
                 "(roles archivist and supervisor)\n";
    return 2;
  }
  const DemoPlan plan =
      BuildDemoPlan(absl::GetFlag(FLAGS_seed),
                    absl::ToCivilDay(absl::Now(), csm::BusinessTimeZone()));
  const std::string addr = absl::GetFlag(FLAGS_addr);
  Loader loader(grpc::CreateChannel(addr, grpc::InsecureChannelCredentials()),
                token);
  if (!loader.Load(plan)) return 1;
  PrintSummary(plan, addr, loader.summary());
  if (const std::string complaints = absl::GetFlag(FLAGS_complaints_addr);
      !complaints.empty()) {
    std::cout << "\n";
    absl::StatusOr<DepartmentTokens> staff_of = DemoStaffTokens(token);
    if (!staff_of.ok()) {
      std::cerr << "csm-demo-data: " << staff_of.status().message() << "\n";
      return 2;
    }
    if (!LoadDemoComplaints(
            grpc::CreateChannel(addr, grpc::InsecureChannelCredentials()),
            grpc::CreateChannel(complaints, grpc::InsecureChannelCredentials()),
            token, *staff_of, absl::GetFlag(FLAGS_seed))) {
      return 1;
    }
  }
  return 0;
}

}  // namespace
}  // namespace csm::demo

int main(int argc, char** argv) { return csm::demo::Main(argc, argv); }
