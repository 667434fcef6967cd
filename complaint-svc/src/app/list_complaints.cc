// The reads of ComplaintService: one complaint, a filtered page of
// complaints, a complaint's timeline.

#include <set>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/filter.h"
#include "common/paging.h"
#include "common/status.h"
#include "complaint-svc/src/app/complaint_handling.h"

namespace csm::complaint {
namespace {

// What ListComplaints' filter may name (the store maps each to SQL).
const std::set<std::string>& ComplaintFilterFields() {
  static const std::set<std::string> kFields = {"state",
                                                "customer",
                                                "category",
                                                "severity",
                                                "handling_department",
                                                "handler_id",
                                                "first_responder_id",
                                                "escalation_level",
                                                "overdue",
                                                "create_time",
                                                "channel",
                                                "complaint_number"};
  return kFields;
}

// create_time (oldest first, the default) or create_time desc.
absl::StatusOr<bool> NewestFirst(const std::string& order_by) {
  if (order_by.empty() || order_by == "create_time") return false;
  if (order_by == "create_time desc") return true;
  return InvalidField("order_by", absl::StrCat(Quote(order_by),
                                               " is not supported; use "
                                               "create_time or create_time "
                                               "desc"));
}

}  // namespace

absl::Status ComplaintHandling::Get(const CallContext& call,
                                    const v1::GetComplaintRequest& req,
                                    v1::Complaint* resp) {
  CSM_ASSIGN_OR_RETURN(int64_t id,
                       ComplaintStore::ParseComplaintName(req.name(), "name"));
  return RunWithConnection(
      *pool_, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(ComplaintRecord r,
                             store_.GetComplaint(conn, id, false));
        *resp = std::move(r.complaint);
        return absl::OkStatus();
      });
}

absl::Status ComplaintHandling::List(const CallContext& call,
                                     const v1::ListComplaintsRequest& req,
                                     v1::ListComplaintsResponse* resp) {
  ComplaintListQuery query;
  CSM_ASSIGN_OR_RETURN(query.limit, ResolvePageSize(req.page_size()));
  CSM_ASSIGN_OR_RETURN(query.filter,
                       ParseFilter(req.filter(), ComplaintFilterFields()));
  CSM_ASSIGN_OR_RETURN(query.newest_first, NewestFirst(req.order_by()));
  query.now = call.start;
  const std::string fingerprint =
      absl::StrCat("complaints|", req.filter(), "|", req.order_by());
  CSM_ASSIGN_OR_RETURN(query.after, DecodeToken(req.page_token(), fingerprint));
  return RunWithConnection(
      *pool_, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
        resp->Clear();
        CSM_ASSIGN_OR_RETURN(Page<v1::Complaint> page,
                             store_.ListComplaints(conn, query));
        for (v1::Complaint& c : page.items) {
          *resp->add_complaints() = std::move(c);
        }
        resp->set_next_page_token(EncodeToken(page.next, fingerprint));
        return absl::OkStatus();
      });
}

absl::Status ComplaintHandling::ListSteps(
    const CallContext& call, const v1::ListComplaintStepsRequest& req,
    v1::ListComplaintStepsResponse* resp) {
  CSM_ASSIGN_OR_RETURN(
      int64_t id, ComplaintStore::ParseComplaintName(req.parent(), "parent"));
  CSM_ASSIGN_OR_RETURN(int limit, ResolvePageSize(req.page_size(), 100, 500));
  const std::string fingerprint = absl::StrCat("steps|", req.parent());
  CSM_ASSIGN_OR_RETURN(auto after, DecodeToken(req.page_token(), fingerprint));
  return RunWithConnection(
      *pool_, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
        resp->Clear();
        CSM_ASSIGN_OR_RETURN(bool exists, store_.ComplaintExists(conn, id));
        if (!exists) {
          return absl::NotFoundError(
              absl::StrCat("complaint ", req.parent(), " does not exist"));
        }
        CSM_ASSIGN_OR_RETURN(Page<v1::ComplaintStep> page,
                             store_.ListSteps(conn, id, after, limit));
        for (v1::ComplaintStep& s : page.items) {
          *resp->add_steps() = std::move(s);
        }
        resp->set_next_page_token(EncodeToken(page.next, fingerprint));
        return absl::OkStatus();
      });
}

}  // namespace csm::complaint
