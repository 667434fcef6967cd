#ifndef CSM_COMPLAINT_SVC_SRC_APP_UPDATE_MASK_H_
#define CSM_COMPLAINT_SVC_SRC_APP_UPDATE_MASK_H_

#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/field_mask.pb.h"

namespace csm::complaint {

// The update_mask paths, each one of `allowed` (INVALID_ARGUMENT on
// update_mask naming `allowed_text` otherwise); `required`: not empty.
absl::StatusOr<std::set<std::string>> MaskPaths(
    const google::protobuf::FieldMask& mask,
    const std::set<std::string>& allowed, absl::string_view allowed_text,
    bool required);

}  // namespace csm::complaint

#endif  // CSM_COMPLAINT_SVC_SRC_APP_UPDATE_MASK_H_
