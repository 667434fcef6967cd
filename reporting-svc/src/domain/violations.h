#ifndef CSM_REPORTING_SVC_DOMAIN_VIOLATIONS_H_
#define CSM_REPORTING_SVC_DOMAIN_VIOLATIONS_H_

#include <string>
#include <utility>
#include <vector>

namespace csm::reporting {

// Field violations found by a pure validation: (field path, description),
// the shape of common/status.h FieldViolations::items(). Domain code cannot
// use FieldViolations itself while common/status links gRPC (issue 9 moves
// status without gRPC into the base library); the app layer copies these
// into a FieldViolations with Add().
using Violations = std::vector<std::pair<std::string, std::string>>;

}  // namespace csm::reporting

#endif  // CSM_REPORTING_SVC_DOMAIN_VIOLATIONS_H_
