// The Chinese labels of report fields and enum values, where the domain has
// a term for them (the names the documents use: 投诉处理及时率, 解决率,
// 满意率, 回访率, 主动维护 ...). A field not listed keeps its proto name, so a
// report served later prints without an entry here.
#include <map>
#include <string>

#include "tools/csmctl_report_table.h"

namespace csm::csmctl {
namespace {

using Labels = std::map<std::string, std::string, std::less<>>;

// By "Message.field" where a name means different things in different
// messages, else by field name.
const Labels& FieldLabels() {
  static const auto* const kLabels = new Labels{
      // Complaint figures.
      {"received", "收到投诉"},
      {"repeat_contacts", "重复来电"},
      {"accepted", "受理"},
      {"resolved", "解决"},
      {"closed", "结案"},
      {"reopened", "重开"},
      {"rejected", "驳回"},
      {"escalated", "升级"},
      {"ComplaintFigures.overdue", "超时投诉"},
      {"acknowledge_on_time", "受理及时率"},
      {"investigated_on_time", "调查核实及时率"},
      {"handling_on_time", "投诉处理及时率"},
      {"resolution_rate", "解决率"},
      {"satisfaction_rate", "满意率"},
      {"acknowledge_time", "首次响应(工作分钟)"},
      {"handling_time", "处理时长(工作分钟)"},
      // Return visits (客户回访).
      {"VisitFigures.due", "应回访"},
      {"answered", "已回访"},
      {"answered_on_time", "按时回访"},
      {"VisitFigures.overdue", "逾期未访"},
      {"visit_rate", "回访率"},
      {"on_time_rate", "按时回访率"},
      {"done", "回访次数"},
      {"valid", "有效回访"},
      {"invalid", "无效回访"},
      {"distribution", "满意度分布"},
      // The weekly report (周报).
      {"complaints", "投诉"},
      {"visits", "客户回访"},
      {"archives", "客户档案"},
      {"promises", "承诺"},
      {"feedback", "客户反馈"},
      {"feedback_total", "反馈总数"},
      {"opened", "新建档案"},
      {"changed", "变更档案"},
      {"new_archives", "新增档案"},
      {"changed_archives", "变更档案明细"},
      {"made", "新承诺"},
      {"kept", "已兑现"},
      {"broken", "未兑现"},
      {"PromiseFigures.due", "到期承诺"},
      {"kept_on_time", "按时兑现"},
      {"kept_rate", "承诺兑现率"},
      // People, archives, resources.
      {"customer", "客户"},
      {"archive_number", "档案编号"},
      {"display_name", "名称"},
      {"owner_id", "负责人"},
      {"team", "小组"},
      {"department", "部门"},
      {"grade", "客户等级"},
      {"staff_id", "员工"},
      {"satisfaction", "满意度"},
      {"text", "客户意见"},
      {"subject", "主题"},
      {"event_time", "时间"},
      {"changed_fields", "变更字段"},
      {"changes", "变更次数"},
      {"kind", "类型"},
      {"resource", "来源"},
      // The supervision report (服务监督报告).
      {"departments", "各部门"},
      {"total", "合计"},
      {"complaints_accepted", "受理投诉"},
      {"complaints_received", "收到投诉"},
      {"complaints_resolved", "解决投诉"},
      {"complaints_overdue", "超时投诉"},
      {"on_time_handling", "投诉处理及时率"},
      {"return_visit_rate", "回访率"},
      {"customer_visit_rate", "客户回访率"},
      {"proactive_visits", "主动维护"},
      {"escalations", "升级"},
      {"major_faults", "重大故障"},
      {"fault_report", "故障报告"},
      {"title", "标题"},
      {"fault_time", "故障时间"},
      {"analysis_submitted", "已提交分析"},
      // Complaint analysis and SLA accountability.
      {"breakdowns", "分类统计"},
      {"trend", "趋势"},
      {"key", "分组"},
      {"dimension", "维度"},
      {"groups", "分组统计"},
      {"acknowledge_breaches", "受理超时"},
      {"investigated_breaches", "调查核实超时"},
      {"handling_opinion_breaches", "处理意见超时"},
      {"breached_complaints", "超时投诉"},
      {"on_time", "及时率"},
      {"held_working_minutes", "持有工作分钟"},
      {"holdings", "持有次数"},
      {"holding_time", "持有时长(工作分钟)"},
      {"transfers_in", "转入"},
      {"transfers_out", "转出"},
      // The staff ranking (考核排名).
      {"entries", "排名"},
      {"unranked", "未排名"},
      {"place", "名次"},
      {"score", "得分"},
      {"metrics", "考核项"},
      // Every report.
      {"ReportFilter.departments", "部门"},
      {"ReportFilter.staff_ids", "员工"},
      {"ReportFilter.categories", "类别"},
      {"ReportFilter.severities", "严重程度"},
      {"ReportFilter.customer_grades", "客户等级"},
      {"applied_filter", "筛选"},
      {"freshness", "数据时效"},
      {"sources", "事件来源"},
      {"compute_time", "计算时间"},
      {"source", "来源"},
      {"last_applied_sequence", "已应用序号"},
      {"last_event_time", "最新事件时间"},
      {"apply_time", "应用时间"},
      {"stopped", "已停止"},
      {"stop_reason", "停止原因"},
      {"skipped_unknown_events", "跳过的未知事件"},
      // Snapshots and rebuilds.
      {"report_snapshots", "报表快照"},
      {"name", "资源名"},
      {"next_page_token", "下一页"},
      {"weekly_report", "周报"},
      {"supervision_report", "服务监督报告"},
      {"staff_ranking", "考核排名"},
      {"attrition_warning", "客户流失预警"},
      {"schedule", "计划"},
      {"report", "报表"},
      {"period", "期间"},
      {"scheduled_time", "计划时间"},
      {"create_time", "生成时间"},
      {"state", "状态"},
      {"start_time", "开始时间"},
      {"end_time", "结束时间"},
      {"requester_id", "发起人"},
      {"error", "错误"},
  };
  return *kLabels;
}

const Labels& EnumLabels() {
  static const auto* const kLabels = new Labels{
      {"SATISFACTION_SATISFIED", "满意"},
      {"SATISFACTION_FAIRLY_SATISFIED", "比较满意"},
      {"SATISFACTION_NEUTRAL", "一般"},
      {"SATISFACTION_DISSATISFIED", "不满意"},
      {"SATISFACTION_VERY_DISSATISFIED", "非常不满意"},
      {"ESCALATION_LEVEL_SUPERVISOR", "主管"},
      {"ESCALATION_LEVEL_DEPARTMENT_MANAGER", "部门经理"},
      {"ESCALATION_LEVEL_GENERAL_MANAGER", "总经理"},
      {"FEEDBACK_KIND_DISSATISFIED_VISIT", "不满意的回访"},
      {"FEEDBACK_KIND_DISSATISFIED_CONFIRMATION", "不满意的确认"},
      {"FEEDBACK_KIND_DISSATISFIED_RETURN_VISIT", "不满意的投诉回访"},
      {"REPORT_KIND_WEEKLY", "周报"},
      {"REPORT_KIND_SUPERVISION", "服务监督报告"},
      {"REPORT_KIND_ATTRITION_WARNING", "客户流失预警"},
      {"REPORT_KIND_STAFF_RANKING", "考核排名"},
  };
  return *kLabels;
}

}  // namespace

std::string FieldLabel(const google::protobuf::FieldDescriptor& field) {
  const Labels& labels = FieldLabels();
  const std::string qualified =
      field.containing_type()->name() + "." + field.name();
  if (auto it = labels.find(qualified); it != labels.end()) return it->second;
  if (auto it = labels.find(field.name()); it != labels.end()) {
    return it->second;
  }
  return field.name();
}

std::string EnumLabel(const google::protobuf::EnumValueDescriptor& value) {
  if (value.number() == 0) return "";
  const Labels& labels = EnumLabels();
  if (auto it = labels.find(value.name()); it != labels.end()) {
    return it->second;
  }
  // SEVERITY_MAJOR -> MAJOR: the enum's prefix says nothing in its column.
  const std::string& name = value.name();
  const std::string prefix = EnumPrefix(*value.type());
  return name.rfind(prefix, 0) == 0 && name.size() > prefix.size()
             ? name.substr(prefix.size())
             : name;
}

std::string EnumPrefix(const google::protobuf::EnumDescriptor& type) {
  std::string prefix;
  for (char c : type.name()) {
    if (c >= 'A' && c <= 'Z' && !prefix.empty()) prefix += '_';
    prefix += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  }
  return prefix + "_";
}

}  // namespace csm::csmctl
