// The catalogue of the demo data set: the 37 archives (organisations and
// people across China, with the story each one goes through), the three
// teams, and the phrases the records are written with. Data only; the plan
// builder (tools/demo_plan_builder.h) draws from it.
#ifndef CSM_TOOLS_DEMO_CATALOGUE_H_
#define CSM_TOOLS_DEMO_CATALOGUE_H_

#include <array>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "csm/customer/v1/customer.pb.h"

namespace csm::demo::plan {

namespace v1 = ::csm::customer::v1;

enum class OrgType {
  kCompany,            // 企业: 91
  kPublicInstitution,  // 事业单位: 12
  kSocialGroup,        // 社会团体: 51
  kFoundation,         // 基金会: 53
  kPerson,             // 个人: resident ID number
};

// What happens to an archive beyond creation, grading and dealings.
enum class Story { kNone, kTransferToKeyAccounts, kDowngrade, kClose };

struct Template {
  const char* name;
  OrgType type;
  const char* province;
  const char* city;
  const char* region;  // GB/T 2260 code of the district
  const char* industry;
  const char* address;
  const char* legal_rep;
  const char* scope;
  const char* size;
  const char* team;
  // Email domain of an organisation; pinyin of a person.
  const char* domain;
  // 0 prospect, 1 small, 2 regular, 3 key account: drives grade, credit
  // rating and the size of dealings.
  int tier;
  v1::LifecycleStatus lifecycle;
  Story story = Story::kNone;
  // People only.
  absl::CivilDay birth = {};
  bool male = true;
  // The person's mobile is the primary contact phone of this earlier
  // archive (a likely duplicate by phone).
  const char* shares_phone_with = nullptr;
  // Organisations only: the primary contact when it is a known person.
  const char* primary_contact = nullptr;
  const char* primary_contact_pinyin = nullptr;
};

constexpr auto kActive = v1::LIFECYCLE_STATUS_ACTIVE;
constexpr auto kProspect = v1::LIFECYCLE_STATUS_PROSPECT;
constexpr auto kDormant = v1::LIFECYCLE_STATUS_DORMANT;
constexpr auto kLost = v1::LIFECYCLE_STATUS_LOST;
constexpr const char* kEast = "east-sales";
constexpr const char* kNorth = "north-service";
constexpr const char* kKey = "key-accounts";

// The archives, in the order they are created.
const std::vector<Template>& Templates();

struct TeamTemplate {
  const char* id;
  const char* display_name;
  const char* department;
  std::vector<const char*> members;
};

const std::vector<TeamTemplate>& TeamTemplates();

struct Person {
  const char* name;
  const char* pinyin;
};

constexpr std::array<Person, 40> kContactPool = {{
    {"刘晓明", "liu.xiaoming"}, {"杨帆", "yang.fan"},     {"黄磊", "huang.lei"},
    {"赵丽", "zhao.li"},        {"吴敏", "wu.min"},       {"周涛", "zhou.tao"},
    {"徐婷", "xu.ting"},        {"孙鹏", "sun.peng"},     {"马骏", "ma.jun"},
    {"朱琳", "zhu.lin"},        {"胡斌", "hu.bin"},       {"郭峰", "guo.feng"},
    {"何静", "he.jing"},        {"高翔", "gao.xiang"},    {"林燕", "lin.yan"},
    {"罗刚", "luo.gang"},       {"梁爽", "liang.shuang"}, {"宋佳", "song.jia"},
    {"郑浩", "zheng.hao"},      {"谢芳", "xie.fang"},     {"韩雪", "han.xue"},
    {"唐伟", "tang.wei"},       {"冯磊", "feng.lei"},     {"董明", "dong.ming"},
    {"程琳", "cheng.lin"},      {"曹阳", "cao.yang"},     {"袁媛", "yuan.yuan"},
    {"邓超", "deng.chao"},      {"许晴", "xu.qing"},      {"傅强", "fu.qiang"},
    {"沈洁", "shen.jie"},       {"彭丽", "peng.li"},      {"吕佳", "lv.jia"},
    {"苏明", "su.ming"},        {"卢涛", "lu.tao"},       {"蒋琴", "jiang.qin"},
    {"蔡勇", "cai.yong"},       {"贾敏", "jia.min"},      {"薛峰", "xue.feng"},
    {"叶青", "ye.qing"},
}};

constexpr std::array<const char*, 9> kCompanyTitles = {
    "采购经理",     "总经理",     "财务主管", "设备部主管", "行政主管",
    "信息中心主任", "生产部经理", "副总经理", "商务专员"};
constexpr std::array<const char*, 5> kInstitutionTitles = {
    "设备科科长", "信息科主任", "后勤处处长", "办公室主任", "秘书长"};

// Landline area code of a city of the catalogue ("010" for others).
const char* AreaCode(absl::string_view city);

constexpr std::array<const char*, 3> kGradeAReasons = {
    "年度采购额超过500万，合作意愿强",
    "战略合作客户，需求明确，预计1个月内签订年度框架协议",
    "行业标杆客户，采购量大且续约意愿强"};
constexpr std::array<const char*, 3> kGradeBReasons = {
    "需求明确，预计2-3个月内签约，关系良好",
    "年采购额稳定在50万以上，合作关系良好",
    "已完成样品测试，预计一个季度内批量下单"};
constexpr const char* kDowngradeReason =
    "回款周期延长至120天以上，年度采购额下降40%，下调为B级";

struct CreditProfile {
  v1::CreditRating rating;
  const char* reason;
  const char* payment;
  const char* capital;
  const char* operating;
};

constexpr std::array<CreditProfile, 5> kCreditProfiles = {{
    {v1::CREDIT_RATING_AAA, "年度信用评估：付款记录优良",
     "近三年均按期付款，无逾期记录", "注册资本1亿元，资产负债率低于40%",
     "经营稳健，营业收入连续三年增长"},
    {v1::CREDIT_RATING_AA, "年度信用评估", "偶有延期付款，均在30天内结清",
     "注册资本5000万元，现金流充足", "经营正常，订单饱满"},
    {v1::CREDIT_RATING_A, "年度信用评估", "付款基本及时，个别账期延长",
     "注册资本1000万元", "经营正常"},
    {v1::CREDIT_RATING_B, "信用复评：回款逾期",
     "回款逾期累计超过90天，经多次催收后部分结清",
     "注册资本500万元，流动资金紧张", "订单减少，经营有所下滑"},
    {v1::CREDIT_RATING_C, "信用复评：经营异常", "长期拖欠货款，已发律师函",
     "资不抵债", "已被列入经营异常名录"},
}};

constexpr std::array<const char*, 4> kPurchaseNotes = {
    "采购设备一批", "追加采购备品备件", "年度框架协议首批订单",
    "采购年度运维服务"};
constexpr std::array<const char*, 2> kSaleNotes = {"向我司供应原材料",
                                                   "回购闲置库存物料"};
constexpr std::array<const char*, 3> kCooperationNotes = {
    "签订年度技术服务合作协议", "联合项目实施（一期）", "共建售后服务网点"};
constexpr std::array<const char*, 3> kConsultationNotes = {
    "产品选型技术咨询", "售后服务政策咨询", "方案报价咨询"};

// Communication records and return visits.
constexpr std::array<const char*, 7> kContactSummaries = {
    "客户来电咨询设备保养周期",   "客户反映系统登录偶发超时",
    "上门拜访，了解二期项目需求", "邮件确认年度服务报价",
    "客户询问发票开具进度",       "短信通知备件已发货",
    "客户反馈需要补充操作培训"};
constexpr std::array<const char*, 5> kContactRequests = {
    "希望安排工程师现场检查", "希望本周内给出处理方案", "需要提供正式报价单",
    "", "希望增加一次操作培训"};
constexpr std::array<const char*, 5> kPromises = {
    "三天内派工程师上门检修", "一周内提交二期方案", "五个工作日内寄出发票",
    "本周内安排远程培训", "两天内回电告知处理结果"};
constexpr std::array<const char*, 6> kProjects = {
    "ERP 二期实施",     "MES 生产执行系统上线", "仓储自动化改造",
    "数据中心机房建设", "售后服务平台部署",     "智能设备批量交付"};
constexpr std::array<const char*, 5> kVisitOpinions = {
    "系统运行稳定，整体满意", "响应速度有待提高", "希望加强操作培训",
    "设备偶有报警，需要排查", "对服务态度表示认可"};
constexpr std::array<const char*, 5> kCountermeasures = {
    "安排工程师季度巡检", "优化工单响应流程", "下月组织一次集中培训",
    "远程排查报警原因并反馈", "保持现有服务频率"};
constexpr std::array<const char*, 4> kNextActions = {
    "下次回访确认巡检结果", "跟进培训安排", "两周内电话回访", "按计划回访"};

}  // namespace csm::demo::plan

#endif  // CSM_TOOLS_DEMO_CATALOGUE_H_
