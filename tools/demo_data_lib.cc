#include "tools/demo_data_lib.h"

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/business_time.h"

namespace csm::demo {
namespace {

namespace v1 = ::csm::customer::v1;

// ---- Deterministic randomness ----------------------------------------------
// std::uniform_int_distribution differs between standard libraries; these do
// not, so a seed gives the same data everywhere.

uint64_t Below(std::mt19937_64& rng, uint64_t n) { return rng() % n; }

int64_t Between(std::mt19937_64& rng, int64_t lo, int64_t hi) {
  return lo +
         static_cast<int64_t>(Below(rng, static_cast<uint64_t>(hi - lo + 1)));
}

bool Percent(std::mt19937_64& rng, int percent) {
  return static_cast<int>(Below(rng, 100)) < percent;
}

template <typename T, size_t N>
const T& Pick(std::mt19937_64& rng, const std::array<T, N>& items) {
  return items[Below(rng, N)];
}

// ---- The data --------------------------------------------------------------

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

const std::vector<Template>& Templates() {
  static const auto* const kTemplates = new std::vector<Template>{
      {"杭州云帆科技有限公司", OrgType::kCompany, "浙江省", "杭州市", "330106",
       "软件和信息技术服务业", "杭州市西湖区文三路478号华星时代广场A座1203室",
       "陈志强", "软件开发；信息系统集成服务；数据处理和存储支持服务",
       "100-499人", kEast, "yunfan-tech.com.cn", 2, kActive},
      {"苏州恒瑞精密机械有限公司", OrgType::kCompany, "江苏省", "苏州市",
       "320505", "制造业", "苏州市虎丘区长江路211号", "周国平",
       "精密机械零部件加工；数控机床及配件销售", "500-999人", kKey,
       "hengrui-pm.com", 3, kActive},
      {"北京中关村数智科技有限公司", OrgType::kCompany, "北京市", "北京市",
       "110108", "软件和信息技术服务业",
       "北京市海淀区中关村大街27号中关村大厦8层", "王立军",
       "技术开发、技术咨询、技术服务；计算机系统服务", "100-499人", kNorth,
       "zgc-shuzhi.com", 2, kActive},
      {"上海市第六人民医院", OrgType::kPublicInstitution, "上海市", "上海市",
       "310104", "医疗卫生", "上海市徐汇区宜山路600号", "张建中",
       "医疗与护理；医学教学；医学研究", "1000人以上", kKey, "sh6hosp.org.cn",
       3, kActive},
      {"南京金陵智造装备有限公司", OrgType::kCompany, "江苏省", "南京市",
       "320115", "制造业", "南京市江宁区秣陵街道将军大道88号", "孙立新",
       "智能装备研发、制造、销售；工业自动化控制系统集成", "100-499人", kEast,
       "jlzz-equip.com", 2, kActive, Story::kTransferToKeyAccounts},
      {"宁波东海港务物流有限公司", OrgType::kCompany, "浙江省", "宁波市",
       "330206", "物流仓储", "宁波市北仑区明州路1号", "林海涛",
       "普通货运；仓储服务；国际货运代理", "1000人以上", kKey,
       "donghai-logistics.cn", 3, kActive},
      {"杭州绿源农业开发有限公司",
       OrgType::kCompany,
       "浙江省",
       "杭州市",
       "330110",
       "农业",
       "杭州市余杭区良渚街道安溪路58号",
       "王建国",
       "农产品种植、销售；农业技术推广服务",
       "10-49人",
       kEast,
       "lvyuan-agri.com",
       1,
       kActive,
       Story::kNone,
       {},
       true,
       nullptr,
       "王建国",
       "wang.jianguo"},
      {"王建国", OrgType::kPerson, "浙江省", "杭州市", "330106", "",
       "杭州市西湖区古荡新村12幢3单元502室", "", "", "", kEast, "wangjianguo",
       1, kActive, Story::kNone, absl::CivilDay(1968, 3, 15), true,
       "杭州绿源农业开发有限公司"},
      {"天津滨海港航物流有限公司", OrgType::kCompany, "天津市", "天津市",
       "120116", "物流仓储", "天津市滨海新区塘沽新港路2号", "刘长海",
       "道路货物运输；仓储服务；装卸搬运", "500-999人", kNorth, "binhai-gh.com",
       2, kActive},
      {"深圳市鹏城电子科技有限公司", OrgType::kCompany, "广东省", "深圳市",
       "440306", "制造业", "深圳市宝安区西乡街道宝源路2003号", "李国栋",
       "电子元器件研发、生产、销售；货物及技术进出口", "500-999人", kKey,
       "pengcheng-elec.com", 3, kActive},
      {"上海汇达商贸有限公司", OrgType::kCompany, "上海市", "上海市", "310115",
       "批发零售", "上海市浦东新区张杨路1688号8楼", "顾建华",
       "日用百货、五金交电批发零售", "50-99人", kEast, "huida-trade.com", 1,
       kDormant},
      {"明达（深圳）供应链管理有限公司", OrgType::kCompany, "广东省", "深圳市",
       "440305", "物流仓储", "深圳市南山区前海深港合作区前湾一路1号A栋201室",
       "黄志明", "供应链管理；国际货运代理；进出口业务", "100-499人", kKey,
       "mingda-scm.com", 2, kActive},
      {"北京京北建设工程有限公司", OrgType::kCompany, "北京市", "北京市",
       "110105", "建筑业", "北京市朝阳区东三环中路39号建外SOHO 5号楼1602",
       "赵永刚", "房屋建筑工程施工总承包；市政公用工程", "1000人以上", kNorth,
       "jingbei-build.com", 2, kActive},
      {"成都市软件行业协会", OrgType::kSocialGroup, "四川省", "成都市",
       "510107", "社会组织", "成都市武侯区人民南路四段11号", "罗建平",
       "行业自律；信息交流；培训与咨询服务", "10-49人", kKey, "cdsia.org.cn", 1,
       kActive},
      {"无锡华晨新材料股份有限公司", OrgType::kCompany, "江苏省", "无锡市",
       "320214", "制造业", "无锡市新吴区长江路32号", "钱振华",
       "新型复合材料研发、生产、销售", "500-999人", kKey, "huachen-nm.com", 3,
       kActive},
      {"杭州云帆科技", OrgType::kCompany, "浙江省", "杭州市", "330106",
       "软件和信息技术服务业", "杭州市西湖区文三路478号", "陈志强", "软件开发",
       "100-499人", kEast, "yunfan-tech.com.cn", 0, kProspect},
      {"济南泉城食品有限公司", OrgType::kCompany, "山东省", "济南市", "370112",
       "制造业", "济南市历城区工业北路88号", "孔祥瑞",
       "食品生产、销售；预包装食品批发", "100-499人", kNorth,
       "quancheng-food.com", 1, kActive},
      {"李秀英", OrgType::kPerson, "江苏省", "苏州市", "320508", "",
       "苏州市姑苏区干将西路1108号金狮大厦旁桂花新村7幢301室", "", "", "",
       kEast, "lixiuying", 1, kActive, Story::kNone, absl::CivilDay(1975, 9, 2),
       false},
      {"深圳市前海云链供应链管理有限公司", OrgType::kCompany, "广东省",
       "深圳市", "440305", "批发零售",
       "深圳市南山区科技园科苑路15号科兴科学园B栋", "吴伟雄",
       "供应链管理服务；电子产品销售", "100-499人", kKey, "qhyunlian.com", 2,
       kActive},
      {"西安秦川重工机械有限公司", OrgType::kCompany, "陕西省", "西安市",
       "610116", "制造业", "西安市长安区航天基地东长安街501号", "雷振东",
       "重型机械设备制造、安装、维修", "1000人以上", kNorth,
       "qinchuan-heavy.com", 3, kActive, Story::kDowngrade},
      {"苏州工业职业技术学院", OrgType::kPublicInstitution, "江苏省", "苏州市",
       "320506", "教育", "苏州市吴中区致能大道1号", "蔡国华",
       "高等职业教育；职业技能培训", "500-999人", kEast, "siit.edu.cn", 1,
       kActive},
      {"上海云启信息技术有限公司", OrgType::kCompany, "上海市", "上海市",
       "310104", "软件和信息技术服务业", "上海市徐汇区漕溪北路88号圣爱大厦16楼",
       "蒋文斌", "信息技术咨询服务；软件开发", "50-99人", kEast, "yunqi-it.com",
       1, kProspect},
      {"武汉光谷新能源科技有限公司", OrgType::kCompany, "湖北省", "武汉市",
       "420111", "制造业", "武汉市洪山区珞喻路1037号", "彭志华",
       "锂电池储能系统研发、生产、销售", "100-499人", kNorth, "ggxny.com", 2,
       kActive},
      {"青岛海晟国际贸易有限公司", OrgType::kCompany, "山东省", "青岛市",
       "370212", "批发零售", "青岛市崂山区香港东路195号", "于海波",
       "货物进出口；技术进出口；日用品销售", "50-99人", kNorth,
       "haisheng-trade.com", 1, kDormant},
      {"明达(深圳)供应链管理有限公司", OrgType::kCompany, "广东省", "深圳市",
       "440305", "物流仓储", "深圳市南山区前湾一路1号", "黄志明", "供应链管理",
       "100-499人", kNorth, "mingda-scm.com", 0, kProspect},
      {"陈晓东", OrgType::kPerson, "广东省", "深圳市", "440304", "",
       "深圳市福田区福华三路88号财富大厦23楼", "", "", "", kKey, "chenxiaodong",
       1, kActive, Story::kNone, absl::CivilDay(1986, 11, 20), true},
      {"苏州博瑞医疗器械有限公司", OrgType::kCompany, "江苏省", "苏州市",
       "320505", "制造业", "苏州市虎丘区科灵路78号苏高新软件园6号楼", "吴志刚",
       "第二类医疗器械生产、销售", "100-499人", kKey, "borui-med.com", 2,
       kActive},
      {"合肥徽商电子商务有限公司", OrgType::kCompany, "安徽省", "合肥市",
       "340104", "批发零售", "合肥市蜀山区长江西路689号", "汪德明",
       "互联网销售；日用百货销售", "50-99人", kEast, "huishang-eb.com", 1,
       kActive},
      {"长沙湘江工程咨询有限公司", OrgType::kCompany, "湖南省", "长沙市",
       "430104", "专业技术服务业", "长沙市岳麓区麓山南路932号", "谭建军",
       "工程咨询；工程造价咨询", "50-99人", kNorth, "xiangjiang-ec.com", 1,
       kLost, Story::kClose},
      {"上海浦江精细化工有限公司", OrgType::kCompany, "上海市", "上海市",
       "310112", "制造业", "上海市闵行区江川路1800号", "徐国庆",
       "精细化工产品生产、销售（危险化学品除外）", "500-999人", kKey,
       "pujiang-chem.com", 3, kActive},
      {"厦门鹭岛旅游发展有限公司", OrgType::kCompany, "福建省", "厦门市",
       "350203", "租赁和商务服务业", "厦门市思明区鹭江道8号", "林美玲",
       "旅游业务；会议及展览服务", "100-499人", kEast, "ludao-travel.com", 1,
       kProspect},
      {"广州南沙汇通国际物流有限公司", OrgType::kCompany, "广东省", "广州市",
       "440115", "物流仓储", "广州市南沙区港前大道南162号", "陈伟雄",
       "国际货物运输代理；仓储服务；报关业务", "500-999人", kKey,
       "nshuitong.com", 2, kActive},
      {"刘芳", OrgType::kPerson, "北京市", "北京市", "110105", "",
       "北京市朝阳区望京西园三区312号楼1单元801", "", "", "", kNorth, "liufang",
       0, kProspect, Story::kNone, absl::CivilDay(1990, 6, 8), false},
      {"深圳市南山区青少年发展基金会", OrgType::kFoundation, "广东省", "深圳市",
       "440305", "社会组织", "深圳市南山区南头街道南山大道2076号", "邓丽华",
       "资助青少年教育与发展项目", "10-49人", kKey, "nsyouth.org.cn", 1,
       kActive},
      {"成都蓉城酒店管理有限公司", OrgType::kCompany, "四川省", "成都市",
       "510104", "住宿和餐饮业", "成都市锦江区红星路三段1号", "何晓燕",
       "酒店管理；餐饮服务；会议服务", "100-499人", kKey, "rongcheng-hotel.com",
       1, kDormant},
      {"杭州西溪餐饮管理有限公司", OrgType::kCompany, "浙江省", "杭州市",
       "330110", "住宿和餐饮业", "杭州市余杭区五常大道181号", "沈丽萍",
       "餐饮管理；餐饮服务；食品销售", "50-99人", kEast, "xixi-catering.com", 1,
       kActive},
      {"成都蜀信软件有限公司", OrgType::kCompany, "四川省", "成都市", "510107",
       "软件和信息技术服务业", "成都市武侯区天府大道北段1700号环球中心W6区",
       "杨光明", "软件开发；信息技术咨询服务", "10-49人", kKey,
       "shuxin-soft.com", 0, kProspect},
  };
  return *kTemplates;
}

struct TeamTemplate {
  const char* id;
  const char* display_name;
  const char* department;
  std::vector<const char*> members;
};

const std::vector<TeamTemplate>& TeamTemplates() {
  static const auto* const kTeams = new std::vector<TeamTemplate>{
      {kEast,
       "华东销售组",
       "销售部",
       {"zhang.wei", "li.na", "wang.fang", "chen.jing"}},
      {kNorth, "华北客服组", "客服部", {"liu.yang", "zhao.min", "sun.hao"}},
      {kKey,
       "大客户技术服务组",
       "技术服务部",
       {"zhou.jie", "wu.lei", "xu.li", "hu.jun", "ma.chao"}},
  };
  return *kTeams;
}

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

// Landline area codes of the cities above.
const char* AreaCode(absl::string_view city) {
  static constexpr std::array<std::pair<absl::string_view, const char*>, 18>
      kCodes = {{{"杭州市", "0571"},
                 {"宁波市", "0574"},
                 {"苏州市", "0512"},
                 {"南京市", "025"},
                 {"无锡市", "0510"},
                 {"上海市", "021"},
                 {"深圳市", "0755"},
                 {"广州市", "020"},
                 {"北京市", "010"},
                 {"天津市", "022"},
                 {"成都市", "028"},
                 {"武汉市", "027"},
                 {"西安市", "029"},
                 {"济南市", "0531"},
                 {"青岛市", "0532"},
                 {"合肥市", "0551"},
                 {"厦门市", "0592"},
                 {"长沙市", "0731"}}};
  for (const auto& [c, code] : kCodes) {
    if (c == city) return code;
  }
  return "010";
}

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

// `day` plus `months`, the day clamped to the month's last (as the schedule
// rule does).
absl::CivilDay AddMonths(absl::CivilDay day, int months) {
  const absl::CivilMonth month = absl::CivilMonth(day) + months;
  const absl::CivilDay last = absl::CivilDay(month + 1) - 1;
  return absl::CivilDay(month.year(), month.month(),
                        std::min(day.day(), last.day()));
}

csm::common::v1::Date ProtoDate(absl::CivilDay day) {
  csm::common::v1::Date d;
  d.set_year(static_cast<int32_t>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

// ---- Building --------------------------------------------------------------

class PlanBuilder {
 public:
  PlanBuilder(uint64_t seed, absl::CivilDay today)
      : seed_(seed),
        rng_(seed),
        // Its own stream: the archives of a seed stay what they were before
        // communications and visits were added.
        followup_rng_(seed ^ 0x5EEDF0110F0F0ULL),
        today_(today) {
    // Dealing dates: in 2026 up to today; the past year when 2026 has barely
    // begun (or not yet).
    window_start_ = absl::CivilDay(2026, 1, 1);
    if (today_ - window_start_ < 30) window_start_ = today_ - 365;
  }

  DemoPlan Build() {
    DemoPlan plan;
    plan.seed = seed_;
    for (const TeamTemplate& t : TeamTemplates()) {
      plan.teams.push_back(Team(t));
    }
    int index = 0;
    for (const Template& t : Templates()) {
      plan.customers.push_back(Customer(t, ++index));
    }
    return plan;
  }

 private:
  std::string Id(absl::string_view what) const {
    return DemoRequestId(seed_, what);
  }

  v1::CreateTeamRequest Team(const TeamTemplate& t) const {
    v1::CreateTeamRequest req;
    req.set_team_id(t.id);
    req.set_request_id(Id(absl::StrCat("team-", t.id)));
    req.mutable_team()->set_display_name(t.display_name);
    req.mutable_team()->set_department(t.department);
    for (const char* m : t.members) req.mutable_team()->add_member_ids(m);
    return req;
  }

  std::string UniqueMobile() {
    for (;;) {
      std::string m = MakeMobile(rng_);
      if (mobiles_.insert(m).second) return m;
    }
  }

  std::string CreditCode(const Template& t) {
    for (;;) {
      std::string code;
      switch (t.type) {
        case OrgType::kCompany:
          code = MakeUscc('9', '1', t.region, rng_);
          break;
        case OrgType::kPublicInstitution:
          code = MakeUscc('1', '2', t.region, rng_);
          break;
        case OrgType::kSocialGroup:
          code = MakeUscc('5', '1', t.region, rng_);
          break;
        case OrgType::kFoundation:
          code = MakeUscc('5', '3', t.region, rng_);
          break;
        case OrgType::kPerson:
          code = MakeResidentId(
              t.region, t.birth,
              static_cast<int>(Between(rng_, 0, 49)) * 2 + (t.male ? 1 : 2));
          break;
      }
      if (codes_.insert(code).second) return code;
    }
  }

  v1::AcquisitionChannel Channel(const Template& t) {
    if (t.type == OrgType::kPerson) {
      return Pick(rng_, std::array{v1::ACQUISITION_CHANNEL_REFERRAL,
                                   v1::ACQUISITION_CHANNEL_PHONE,
                                   v1::ACQUISITION_CHANNEL_WEB});
    }
    // Weighted: visits and referrals are the usual sources.
    return Pick(
        rng_,
        std::array{
            v1::ACQUISITION_CHANNEL_VISIT, v1::ACQUISITION_CHANNEL_VISIT,
            v1::ACQUISITION_CHANNEL_VISIT, v1::ACQUISITION_CHANNEL_REFERRAL,
            v1::ACQUISITION_CHANNEL_REFERRAL, v1::ACQUISITION_CHANNEL_REFERRAL,
            v1::ACQUISITION_CHANNEL_PHONE, v1::ACQUISITION_CHANNEL_PHONE,
            v1::ACQUISITION_CHANNEL_EXHIBITION,
            v1::ACQUISITION_CHANNEL_EXHIBITION, v1::ACQUISITION_CHANNEL_WEB,
            v1::ACQUISITION_CHANNEL_WEB,
            v1::ACQUISITION_CHANNEL_MARKETING_EVENT});
  }

  void AddContacts(const Template& t, v1::Customer& c) {
    if (t.type == OrgType::kPerson) {
      v1::Contact* contact = c.add_contacts();
      contact->set_display_name(t.name);
      contact->set_title("本人");
      if (t.shares_phone_with != nullptr) {
        contact->add_phones(primary_phones_.at(t.shares_phone_with));
      } else {
        contact->add_phones(UniqueMobile());
      }
      contact->set_email(
          absl::StrCat(t.domain, t.birth.year() % 100,
                       Percent(rng_, 50) ? "@163.com" : "@qq.com"));
      contact->set_primary(true);
      return;
    }
    const int count = static_cast<int>(Between(rng_, 1, 3));
    const size_t first = Below(rng_, kContactPool.size());
    for (int i = 0; i < count; ++i) {
      Person p = kContactPool[(first + 7 * i) % kContactPool.size()];
      const char* title = t.type == OrgType::kCompany
                              ? Pick(rng_, kCompanyTitles)
                              : Pick(rng_, kInstitutionTitles);
      if (i == 0 && t.primary_contact != nullptr) {
        p = {t.primary_contact, t.primary_contact_pinyin};
        title = "总经理（法定代表人）";
      }
      v1::Contact* contact = c.add_contacts();
      contact->set_display_name(p.name);
      contact->set_title(title);
      contact->add_phones(UniqueMobile());
      if (Percent(rng_, 30)) {
        contact->add_phones(absl::StrFormat("%s-%d", AreaCode(t.city),
                                            Between(rng_, 60000000, 89999999)));
      }
      contact->set_email(absl::StrCat(p.pinyin, "@", t.domain));
      contact->set_primary(i == 0);
    }
    primary_phones_[t.name] = c.contacts(0).phones(0);
  }

  // A day in the window; `from`..`to` are fractions (percent) of it.
  v1::Dealing Deal(v1::DealingKind kind, int from, int to, int64_t min_yuan,
                   int64_t max_yuan) {
    v1::Dealing d;
    d.set_kind(kind);
    from = std::min(from, to);
    const int64_t span = today_ - window_start_;
    const absl::CivilDay day =
        window_start_ + span * Between(rng_, from * 100, to * 100) / 10000;
    d.mutable_deal_date()->set_year(static_cast<int32_t>(day.year()));
    d.mutable_deal_date()->set_month(day.month());
    d.mutable_deal_date()->set_day(day.day());
    const int64_t yuan = Between(rng_, min_yuan / 100, max_yuan / 100) * 100;
    switch (kind) {
      case v1::DEALING_KIND_PURCHASE:
        d.set_note(Pick(rng_, kPurchaseNotes));
        break;
      case v1::DEALING_KIND_SALE:
        d.set_note(Pick(rng_, kSaleNotes));
        break;
      case v1::DEALING_KIND_COOPERATION:
        d.set_note(Pick(rng_, kCooperationNotes));
        break;
      default:
        d.set_note(Pick(rng_, kConsultationNotes));
        break;
    }
    d.set_amount_fen(kind == v1::DEALING_KIND_CONSULTATION ? 0 : yuan * 100);
    return d;
  }

  std::vector<v1::Dealing> Dealings(const Template& t) {
    // Dormant customers dealt early in the year, lost ones earlier still.
    int to = 100;
    if (t.lifecycle == kDormant) to = 40;
    if (t.lifecycle == kLost) to = 20;
    std::vector<v1::Dealing> deals;
    auto business = [&] {
      return Pick(
          rng_,
          std::array{v1::DEALING_KIND_PURCHASE, v1::DEALING_KIND_PURCHASE,
                     v1::DEALING_KIND_PURCHASE, v1::DEALING_KIND_COOPERATION,
                     v1::DEALING_KIND_SALE});
    };
    switch (t.tier) {
      case 0:
        if (Percent(rng_, 60)) {
          deals.push_back(Deal(v1::DEALING_KIND_CONSULTATION, 50, to, 0, 0));
        }
        break;
      case 1:
        for (int i = static_cast<int>(Between(rng_, 1, 2)); i > 0; --i) {
          v1::DealingKind kind =
              Percent(rng_, 30) ? v1::DEALING_KIND_CONSULTATION : business();
          deals.push_back(Deal(kind, 0, to, 5'000, 150'000));
        }
        break;
      case 2:
        for (int i = static_cast<int>(Between(rng_, 2, 3)); i > 0; --i) {
          deals.push_back(Deal(business(), 0, to, 50'000, 800'000));
        }
        break;
      default:
        for (int i = static_cast<int>(Between(rng_, 3, 4)); i > 0; --i) {
          deals.push_back(Deal(business(), 0, to, 500'000, 6'000'000));
        }
        break;
    }
    std::sort(deals.begin(), deals.end(),
              [](const v1::Dealing& a, const v1::Dealing& b) {
                const auto& x = a.deal_date();
                const auto& y = b.deal_date();
                return std::make_tuple(x.year(), x.month(), x.day()) <
                       std::make_tuple(y.year(), y.month(), y.day());
              });
    return deals;
  }

  void Grades(const Template& t, const std::string& key, CustomerPlan& plan) {
    auto change = [&](v1::Grade grade, const char* reason) {
      v1::ChangeGradeRequest req;
      req.set_grade(grade);
      req.set_reason(reason);
      req.set_request_id(
          Id(absl::StrCat(key, "-grade-", plan.grade_changes.size() + 1)));
      plan.grade_changes.push_back(std::move(req));
    };
    if (t.tier == 3) {
      change(v1::GRADE_A, Pick(rng_, kGradeAReasons));
    } else if (t.tier == 2 && Percent(rng_, 70)) {
      change(v1::GRADE_B, Pick(rng_, kGradeBReasons));
    }
    if (t.story == Story::kDowngrade) change(v1::GRADE_B, kDowngradeReason);
  }

  void Credit(const Template& t, const std::string& key, CustomerPlan& plan) {
    const CreditProfile* profile = nullptr;
    if (t.lifecycle == kLost) {
      profile = &kCreditProfiles[4];
    } else if (t.lifecycle == kDormant && t.type == OrgType::kCompany) {
      profile = &kCreditProfiles[3];
    } else if (t.tier >= 2 && Percent(rng_, 50)) {
      profile = &kCreditProfiles[(t.tier == 3 ? 0 : 1) + Below(rng_, 2)];
    }
    if (profile == nullptr) return;
    v1::ChangeCreditRatingRequest req;
    req.set_credit_rating(profile->rating);
    req.set_reason(profile->reason);
    req.mutable_assessment()->set_payment_behaviour(profile->payment);
    req.mutable_assessment()->set_capital(profile->capital);
    req.mutable_assessment()->set_operating_status(profile->operating);
    req.set_request_id(Id(absl::StrCat(key, "-credit")));
    plan.credit_change = std::move(req);
  }

  CustomerPlan Customer(const Template& t, int index) {
    CustomerPlan plan;
    plan.key = absl::StrFormat("cust-%02d", index);
    plan.create.set_request_id(Id(plan.key));
    v1::Customer& c = *plan.create.mutable_customer();
    c.set_display_name(t.name);
    c.set_kind(t.type == OrgType::kPerson    ? v1::CUSTOMER_KIND_INDIVIDUAL
               : t.type == OrgType::kCompany ? v1::CUSTOMER_KIND_ENTERPRISE
                                             : v1::CUSTOMER_KIND_INSTITUTION);
    c.set_credit_code(CreditCode(t));
    c.set_province(t.province);
    c.set_city(t.city);
    c.set_industry(t.industry);
    c.set_address(t.address);
    c.set_legal_representative(t.legal_rep);
    c.set_business_scope(t.scope);
    c.set_company_size(t.size);
    c.set_acquisition_channel(Channel(t));
    c.set_lifecycle_status(t.lifecycle);
    c.set_team(t.team);  // no owner: fair allocation picks one
    AddContacts(t, c);

    Grades(t, plan.key, plan);
    Credit(t, plan.key, plan);
    int n = 0;
    for (v1::Dealing& d : Dealings(t)) {
      v1::RecordDealingRequest req;
      *req.mutable_dealing() = std::move(d);
      req.set_request_id(Id(absl::StrCat(plan.key, "-deal-", ++n)));
      plan.dealings.push_back(std::move(req));
    }
    if (t.story == Story::kTransferToKeyAccounts) {
      v1::TransferOwnershipRequest req;
      req.set_team(kKey);
      req.set_reason(
          "年采购额快速增长，升级为大客户，移交大客户技术服务组跟进");
      req.set_request_id(Id(absl::StrCat(plan.key, "-transfer")));
      plan.transfer = std::move(req);
    }
    if (t.story == Story::kClose) {
      v1::CloseCustomerRequest req;
      req.set_reason("客户已办理工商注销，停止合作，档案关闭");
      req.set_request_id(Id(absl::StrCat(plan.key, "-close")));
      plan.close = std::move(req);
    }
    if (t.story != Story::kClose) {
      Communications(t, plan);
      VisitPlans(t, plan);
    }
    return plan;
  }

  int64_t FBetween(int64_t lo, int64_t hi) {
    return Between(followup_rng_, lo, hi);
  }

  // 沟通记录 of the last 60 days; the first promise made is overdue (a
  // contact 12 days ago promising 5 days), the others are due today or later
  // and some of them are kept.
  void Communications(const Template& t, CustomerPlan& plan) {
    const int contacts =
        t.lifecycle == kProspect ? 1 : static_cast<int>(FBetween(1, 3));
    std::vector<CommunicationStep> steps;
    for (int i = 0; i < contacts; ++i) {
      CommunicationStep step;
      v1::Communication& c = *step.record.mutable_communication();
      c.set_channel(Pick(
          followup_rng_,
          std::array{
              v1::COMMUNICATION_CHANNEL_PHONE, v1::COMMUNICATION_CHANNEL_PHONE,
              v1::COMMUNICATION_CHANNEL_PHONE, v1::COMMUNICATION_CHANNEL_VISIT,
              v1::COMMUNICATION_CHANNEL_EMAIL, v1::COMMUNICATION_CHANNEL_SMS,
              v1::COMMUNICATION_CHANNEL_ON_SITE}));
      c.set_summary(Pick(followup_rng_, kContactSummaries));
      c.set_customer_requests(Pick(followup_rng_, kContactRequests));
      int days_ago = static_cast<int>(FBetween(1, 60));
      const bool overdue = !overdue_promise_made_;
      const bool promise = overdue || FBetween(0, 99) < 30;
      if (promise) {
        v1::CommunicationPromise& p = *c.mutable_promise();
        p.set_description(Pick(followup_rng_, kPromises));
        if (overdue) {
          days_ago = 12;
          p.set_within_days(5);
          overdue_promise_made_ = true;
        } else {
          // Due today or later: only the designated one is overdue.
          days_ago = static_cast<int>(FBetween(1, 5));
          p.set_within_days(
              static_cast<int32_t>(FBetween(days_ago, days_ago + 10)));
          if (FBetween(0, 99) < 40) {
            v1::KeepPromiseRequest keep;
            keep.set_note("已按承诺处理，客户确认");
            step.keep = std::move(keep);
          }
        }
      }
      const absl::CivilDay day = today_ - days_ago;
      const absl::Time when = absl::FromCivil(
          absl::CivilSecond(day.year(), day.month(), day.day(),
                            static_cast<int>(FBetween(9, 17)),
                            static_cast<int>(FBetween(0, 59)), 0),
          csm::BusinessTimeZone());
      c.mutable_contact_time()->set_seconds(absl::ToUnixSeconds(when));
      steps.push_back(std::move(step));
    }
    // Recorded oldest first, as they happened.
    std::stable_sort(
        steps.begin(), steps.end(),
        [](const CommunicationStep& a, const CommunicationStep& b) {
          return a.record.communication().contact_time().seconds() <
                 b.record.communication().contact_time().seconds();
        });
    int n = 0;
    for (CommunicationStep& step : steps) {
      const std::string id = absl::StrCat(plan.key, "-comm-", ++n);
      step.record.set_request_id(Id(id));
      if (step.keep) step.keep->set_request_id(Id(id + "-keep"));
      plan.communications.push_back(std::move(step));
    }
  }

  v1::RecordVisitRequest Visit(absl::CivilDay planned, absl::CivilDay actual,
                               v1::VisitMethod method) {
    v1::RecordVisitRequest req;
    v1::Visit& v = *req.mutable_visit();
    *v.mutable_planned_date() = ProtoDate(planned);
    *v.mutable_actual_date() = ProtoDate(actual);
    v.set_method(method);
    v.set_satisfaction(
        Pick(followup_rng_,
             std::array{csm::common::v1::SATISFACTION_SATISFIED,
                        csm::common::v1::SATISFACTION_SATISFIED,
                        csm::common::v1::SATISFACTION_SATISFIED,
                        csm::common::v1::SATISFACTION_FAIRLY_SATISFIED,
                        csm::common::v1::SATISFACTION_FAIRLY_SATISFIED,
                        csm::common::v1::SATISFACTION_NEUTRAL,
                        csm::common::v1::SATISFACTION_DISSATISFIED}));
    v.set_customer_opinions(Pick(followup_rng_, kVisitOpinions));
    v.set_countermeasures(Pick(followup_rng_, kCountermeasures));
    v.set_next_action(Pick(followup_rng_, kNextActions));
    return req;
  }

  // 客户回访: every other enterprise that is a customer (not a prospect) has a
  // delivered project. Plans 1, 4 and 7 were delivered long ago and never
  // visited (overdue); plan 2 ends in three SMS visits in a row (the third
  // does not count: overdue too); the others were visited on their latest
  // due dates (up to six visits).
  void VisitPlans(const Template& t, CustomerPlan& plan) {
    if (t.type != OrgType::kCompany || t.lifecycle == kProspect) return;
    if (enterprises_seen_++ % 2 != 0) return;
    const int k = plans_made_++;
    const bool unvisited = k == 1 || k == 4 || k == 7;
    const bool sms_streak = k == 2;
    const int months_ago = static_cast<int>(unvisited    ? FBetween(8, 14)
                                            : sms_streak ? FBetween(6, 9)
                                                         : FBetween(2, 20));
    const absl::CivilMonth month = absl::CivilMonth(today_) - months_ago;
    const absl::CivilDay delivery(month.year(), month.month(),
                                  static_cast<int>(FBetween(1, 28)));
    VisitPlanStep step;
    const std::string key = absl::StrCat(plan.key, "-plan-1");
    step.create.set_request_id(Id(key));
    step.create.mutable_visit_plan()->set_project(
        Pick(followup_rng_, kProjects));
    *step.create.mutable_visit_plan()->mutable_delivery_date() =
        ProtoDate(delivery);

    // Grid points (months after delivery) before today: monthly in the
    // first year, quarterly after.
    std::vector<int> grid;
    for (int m = 1; AddMonths(delivery, m) < today_; m += m < 12 ? 1 : 3) {
      grid.push_back(m);
    }
    if (!unvisited) {
      std::vector<v1::RecordVisitRequest> visits;
      const size_t keep = sms_streak ? 5 : 6;
      const size_t end = grid.size();
      const size_t begin = end > keep ? end - keep : 0;
      int sms_in_a_row = 0;
      for (size_t i = begin; i < end; ++i) {
        const absl::CivilDay planned = AddMonths(delivery, grid[i]);
        const absl::CivilDay actual =
            std::min(planned + FBetween(0, 6), today_ - 1);
        v1::VisitMethod method;
        if (sms_streak) {
          method = end - i <= 3 ? v1::VISIT_METHOD_SMS : v1::VISIT_METHOD_PHONE;
        } else {
          method = Pick(
              followup_rng_,
              std::array{v1::VISIT_METHOD_PHONE, v1::VISIT_METHOD_PHONE,
                         v1::VISIT_METHOD_PHONE, v1::VISIT_METHOD_FACE_TO_FACE,
                         v1::VISIT_METHOD_FACE_TO_FACE, v1::VISIT_METHOD_EMAIL,
                         v1::VISIT_METHOD_SMS});
          // Only the one plan shows an invalid SMS streak.
          if (method == v1::VISIT_METHOD_SMS && sms_in_a_row == 2) {
            method = v1::VISIT_METHOD_PHONE;
          }
        }
        sms_in_a_row = method == v1::VISIT_METHOD_SMS ? sms_in_a_row + 1 : 0;
        visits.push_back(Visit(planned, actual, method));
      }
      int n = 0;
      for (v1::RecordVisitRequest& v : visits) {
        v.set_request_id(Id(absl::StrCat(key, "-visit-", ++n)));
        step.visits.push_back(std::move(v));
      }
    }
    plan.visit_plans.push_back(std::move(step));
  }

  uint64_t seed_;
  std::mt19937_64 rng_;
  std::mt19937_64 followup_rng_;  // communications and visits
  absl::CivilDay today_;
  absl::CivilDay window_start_;
  std::set<std::string> mobiles_;
  std::set<std::string> codes_;
  std::map<std::string, std::string> primary_phones_;
  bool overdue_promise_made_ = false;
  int enterprises_seen_ = 0;
  int plans_made_ = 0;
};

int CharValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return -1;
}

}  // namespace

char UsccCheckChar(absl::string_view first17) {
  static constexpr std::array<int, 17> kWeights = {
      1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
  if (first17.size() < 17) return '\0';
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    const size_t v = kUsccCharset.find(first17[i]);
    if (v == absl::string_view::npos) return '\0';
    sum += static_cast<int>(v) * kWeights[i];
  }
  return kUsccCharset[(31 - sum % 31) % 31];
}

bool IsValidUscc(absl::string_view code) {
  return code.size() == 18 &&
         kUsccCharset.find(code[17]) != absl::string_view::npos &&
         UsccCheckChar(code) == code[17];
}

char OrgCodeCheckChar(absl::string_view first8) {
  static constexpr std::array<int, 8> kWeights = {3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (size_t i = 0; i < 8 && i < first8.size(); ++i) {
    sum += CharValue(first8[i]) * kWeights[i];
  }
  const int c = 11 - sum % 11;
  if (c == 10) return 'X';
  if (c == 11) return '0';
  return static_cast<char>('0' + c);
}

std::string MakeUscc(char authority, char category, absl::string_view region,
                     std::mt19937_64& rng) {
  // Codes issued since 2015 mostly carry an organisation code starting "MA".
  std::string org;
  if (Percent(rng, 60)) {
    org = "MA";
    for (int i = 0; i < 6; ++i) org += kUsccCharset[Below(rng, 31)];
  } else {
    for (int i = 0; i < 8; ++i) org += static_cast<char>('0' + Below(rng, 10));
  }
  org += OrgCodeCheckChar(org);
  std::string code = absl::StrCat(std::string(1, authority),
                                  std::string(1, category), region, org);
  code += UsccCheckChar(code);
  return code;
}

char ResidentIdCheckChar(absl::string_view first17) {
  static constexpr std::array<int, 17> kWeights = {7, 9, 10, 5,  8, 4, 2, 1, 6,
                                                   3, 7, 9,  10, 5, 8, 4, 2};
  int sum = 0;
  for (size_t i = 0; i < 17 && i < first17.size(); ++i) {
    sum += (first17[i] - '0') * kWeights[i];
  }
  return "10X98765432"[sum % 11];
}

bool IsValidResidentId(absl::string_view id) {
  if (id.size() != 18) return false;
  for (size_t i = 0; i < 17; ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(id[i]))) return false;
  }
  return ResidentIdCheckChar(id) == id[17];
}

std::string MakeResidentId(absl::string_view region, absl::CivilDay birth,
                           int sequence) {
  std::string id = absl::StrFormat("%s%04d%02d%02d%03d", region, birth.year(),
                                   birth.month(), birth.day(), sequence % 1000);
  id += ResidentIdCheckChar(id);
  return id;
}

std::string MakeMobile(std::mt19937_64& rng) {
  static constexpr std::array<const char*, 24> kPrefixes = {
      "130", "131", "132", "133", "135", "136", "137", "138",
      "139", "150", "151", "152", "153", "155", "158", "159",
      "177", "180", "181", "186", "187", "189", "191", "199"};
  return absl::StrFormat("%s%08d", Pick(rng, kPrefixes),
                         Between(rng, 0, 99'999'999));
}

bool IsValidMobile(absl::string_view phone) {
  if (phone.size() != 11 || phone[0] != '1' || phone[1] < '3' ||
      phone[1] > '9') {
    return false;
  }
  for (char c : phone) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string DemoRequestId(uint64_t seed, absl::string_view what) {
  return absl::StrCat("demo-", seed, "-", what);
}

DemoPlan BuildDemoPlan(uint64_t seed, absl::CivilDay today) {
  return PlanBuilder(seed, today).Build();
}

}  // namespace csm::demo
