// Reports as text tables for a terminal: any report message (or a snapshot,
// the freshness block, a rebuild) rendered from its descriptor, so a report
// served later needs no code here. Figures of one message form a two-column
// block; a nested message is a section; a list of messages is an aligned
// table, turned so that figures run down and the rows across when it would
// be too wide. Ratios print as "66.67% (2/3)", "no data" as "—", times in
// Beijing time. Labels are the domain's Chinese terms where it has them
// (投诉处理及时率, 解决率 ...), else the proto field name.
#ifndef CSM_TOOLS_CSMCTL_REPORT_TABLE_H_
#define CSM_TOOLS_CSMCTL_REPORT_TABLE_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace csm::csmctl {

// Columns a UTF-8 string takes on a terminal: CJK and full-width characters
// two, combining marks none, the rest one.
size_t DisplayWidth(absl::string_view text);

// The label of a field: its Chinese term, or its name.
std::string FieldLabel(const google::protobuf::FieldDescriptor& field);

// The label of an enum value: its Chinese term, or its name without the
// enum's prefix (MAJOR for SEVERITY_MAJOR); "" for the zero value.
std::string EnumLabel(const google::protobuf::EnumValueDescriptor& value);
// "SEVERITY_" for Severity, "COMPLAINT_DIMENSION_" for ComplaintDimension.
std::string EnumPrefix(const google::protobuf::EnumDescriptor& type);

// `rows` aligned in columns two spaces apart, the first row a header
// underlined with '-'. Cells are padded by display width.
std::string AlignedTable(const std::vector<std::vector<std::string>>& rows,
                         int indent = 0);

// The whole message: `title` (with the period's label and dates when the
// message has a `period`), then its figures, sections and tables.
std::string RenderReport(const google::protobuf::Message& message,
                         absl::string_view title);

}  // namespace csm::csmctl

#endif  // CSM_TOOLS_CSMCTL_REPORT_TABLE_H_
