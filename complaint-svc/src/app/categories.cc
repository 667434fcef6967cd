// Complaint categories (投诉类别): each routes its complaints to a handling
// department.

#include <set>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/etag.h"
#include "common/paging.h"
#include "common/resource_id.h"
#include "common/status.h"
#include "complaint-svc/src/app/complaint_configuration.h"
#include "complaint-svc/src/app/update_mask.h"
#include "complaint-svc/src/domain/text_fields.h"

namespace csm::complaint {
namespace {

constexpr char kCategoriesQuery[] = "categories";

// The fields of a category that `only` names (all when empty).
void ValidateCategory(const v1::Category& c, const std::set<std::string>& only,
                      FieldViolations* v) {
  auto wants = [&](const char* f) { return only.empty() || only.contains(f); };
  if (wants("display_name")) {
    RequireText(*v, "category.display_name", c.display_name(),
                limits::kCategoryDisplayName);
  }
  if (wants("handling_department")) {
    // Where complaints of this category are routed, e.g. 仓储物流.
    RequireText(*v, "category.handling_department", c.handling_department(),
                limits::kDepartment);
  }
}

}  // namespace

absl::StatusOr<std::set<std::string>> MaskPaths(
    const google::protobuf::FieldMask& mask,
    const std::set<std::string>& allowed, absl::string_view allowed_text,
    bool required) {
  FieldViolations v;
  std::set<std::string> paths;
  if (required && mask.paths().empty()) {
    v.Add("update_mask", absl::StrCat("required: ", allowed_text));
  }
  for (const std::string& p : mask.paths()) {
    if (!allowed.contains(p)) {
      v.Add("update_mask",
            absl::StrCat(Quote(p), " is not updatable; use ", allowed_text));
    }
    paths.insert(p);
  }
  CSM_RETURN_IF_ERROR(v.ToStatus());
  return paths;
}

absl::Status ComplaintConfiguration::ListCategories(
    const CallContext& call, const v1::ListCategoriesRequest& req,
    v1::ListCategoriesResponse* resp) {
  CSM_ASSIGN_OR_RETURN(int limit, ResolvePageSize(req.page_size()));
  CSM_ASSIGN_OR_RETURN(auto after,
                       DecodeToken(req.page_token(), kCategoriesQuery));
  return RunWithConnection(
      *pool_, call.deadline, [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(auto page,
                             config_->ListCategories(conn, after, limit));
        resp->Clear();
        for (auto& c : page.items) *resp->add_categories() = std::move(c);
        resp->set_next_page_token(EncodeToken(page.next, kCategoriesQuery));
        return absl::OkStatus();
      });
}

absl::Status ComplaintConfiguration::CreateCategory(
    const CallContext& call, const v1::CreateCategoryRequest& req,
    v1::Category* resp) {
  FieldViolations v;
  if (!IsValidResourceId(req.category_id())) {
    v.Add("category_id", "required: 1 to 63 characters of [a-z0-9-]");
  }
  ValidateCategory(req.category(), {}, &v);
  CSM_RETURN_IF_ERROR(v.ToStatus());
  return mutation_.Run(
      call, req.request_id(), req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(auto existing,
                             config_->GetCategory(conn, req.category_id()));
        if (existing.has_value()) {
          return absl::AlreadyExistsError(
              absl::StrCat(existing->name(), " already exists (",
                           existing->display_name(), ")"));
        }
        v1::Category c;
        c.set_display_name(req.category().display_name());
        c.set_handling_department(req.category().handling_department());
        // A new category is in use at once (proto3 cannot tell an unset
        // `active` from false); retire one with UpdateCategory.
        c.set_active(true);
        CSM_RETURN_IF_ERROR(
            config_->InsertCategory(conn, req.category_id(), &c, call.start));
        *resp = std::move(c);
        return absl::OkStatus();
      });
}

absl::Status ComplaintConfiguration::UpdateCategory(
    const CallContext& call, const v1::UpdateCategoryRequest& req,
    v1::Category* resp) {
  CSM_ASSIGN_OR_RETURN(
      std::string id,
      ConfigStore::ParseCategoryName(req.category().name(), "category.name"));
  CSM_ASSIGN_OR_RETURN(
      std::set<std::string> paths,
      MaskPaths(req.update_mask(),
                {"display_name", "handling_department", "active"},
                "display_name, handling_department, active",
                /*required=*/true));
  FieldViolations v;
  ValidateCategory(req.category(), paths, &v);
  CSM_RETURN_IF_ERROR(v.ToStatus());
  CSM_ASSIGN_OR_RETURN(int64_t expected,
                       ParseEtag(req.category().etag(), "category.etag"));
  return mutation_.Run(
      call, req.request_id(), req, resp,
      [&](MysqlConnection& conn) -> absl::Status {
        CSM_ASSIGN_OR_RETURN(auto current,
                             config_->GetCategory(conn, id, /*lock=*/true));
        if (!current.has_value()) {
          return absl::NotFoundError(
              absl::StrCat(req.category().name(), " does not exist"));
        }
        CSM_RETURN_IF_ERROR(
            CheckEtag(current->name(), current->etag(), expected));
        v1::Category c = *current;
        if (paths.contains("display_name")) {
          c.set_display_name(req.category().display_name());
        }
        if (paths.contains("handling_department")) {
          c.set_handling_department(req.category().handling_department());
        }
        if (paths.contains("active")) c.set_active(req.category().active());
        CSM_RETURN_IF_ERROR(config_->UpdateCategory(
            conn, id, &c, EtagVersion(current->etag()), call.start));
        *resp = std::move(c);
        return absl::OkStatus();
      });
}

}  // namespace csm::complaint
