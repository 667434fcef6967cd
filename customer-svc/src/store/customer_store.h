#ifndef CSM_CUSTOMER_SVC_STORE_CUSTOMER_STORE_H_
#define CSM_CUSTOMER_SVC_STORE_CUSTOMER_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/filter.h"
#include "common/mysql_pool.h"
#include "common/paging.h"
#include "common/principal.h"
#include "csm/customer/v1/customer.pb.h"
#include "customer-svc/src/domain/customer_rules.h"

// customer-svc's own schema (migrations/*.sql). Every statement is a
// prepared statement; values are always bound, never spliced. Methods run on
// a connection the caller borrowed, inside the caller's transaction.

namespace csm::customer {

namespace v1 = ::csm::customer::v1;

// The ordering a list was asked for; each maps to a keyset on (key, id).
enum class CustomerOrder {
  kCreateTime,
  kCreateTimeDesc,
  kDisplayName,
  kUpdateTimeDesc
};

struct CustomerListQuery {
  std::vector<FilterTerm> filter;  // already validated field names
  CustomerOrder order = CustomerOrder::kCreateTime;
  std::optional<PageCursor> after;
  int limit = 50;
};

struct TeamRecord {
  v1::Team team;
  int64_t rr_cursor = 0;
  int64_t version = 0;
};

class CustomerStore {
 public:
  // "customers/{id}" -> id. INVALID_ARGUMENT on `field` otherwise.
  static absl::StatusOr<int64_t> ParseCustomerName(absl::string_view name,
                                                   absl::string_view field);
  // "customers/{id}/contacts/{contact}" -> (id, contact).
  static absl::StatusOr<std::pair<int64_t, int64_t>> ParseContactName(
      absl::string_view name, absl::string_view field);
  static std::string CustomerName(int64_t id);

  // ---- archives
  // NOT_FOUND when absent. `lock` takes the row lock (SELECT ... FOR UPDATE).
  absl::StatusOr<v1::Customer> GetCustomer(MysqlConnection& conn, int64_t id,
                                           bool lock);
  // The archive holding this credit/ID code for this kind, if any.
  absl::StatusOr<std::optional<v1::Customer>> FindByCreditCode(
      MysqlConnection& conn, v1::CustomerKind kind, absl::string_view code);
  absl::StatusOr<std::vector<v1::DuplicateWarning>> FindLikelyDuplicates(
      MysqlConnection& conn, absl::string_view normalized_name,
      const std::vector<std::string>& normalized_phones);
  absl::StatusOr<Page<v1::Customer>> ListCustomers(
      MysqlConnection& conn, const CustomerListQuery& query);

  // Next archive number sequence for a month ("202611"), under a row lock.
  absl::StatusOr<int64_t> NextArchiveSequence(MysqlConnection& conn,
                                              absl::string_view period);
  // Inserts the archive and its contacts; fills name, contact names, etag
  // and times into `customer`. `contact_phones[i]`: NormalizedPhones of
  // contact i.
  absl::Status InsertCustomer(
      MysqlConnection& conn, v1::Customer* customer,
      absl::string_view normalized_name,
      const std::vector<std::vector<std::string>>& contact_phones,
      absl::Time now);
  // Who holds an archive, for the open-archive counter (MoveOpenArchive).
  struct OpenHolder {
    std::string owner_id;
    bool open = false;
  };
  // Writes every column of `customer` (not contacts) if its version is still
  // `expected_version`, bumping it; ABORTED otherwise. `before`: its owner
  // and whether it was open, as read FOR UPDATE in this transaction.
  absl::Status UpdateCustomer(MysqlConnection& conn,
                              const v1::Customer& customer,
                              absl::string_view normalized_name,
                              int64_t expected_version,
                              const OpenHolder& before, absl::Time now);
  // Bumps the archive's version and update time (contact changes).
  absl::Status TouchCustomer(MysqlConnection& conn, int64_t id, absl::Time now);

  // ---- contacts
  // `normalized_phones`: NormalizedPhones(contact), stored beside each
  // phone for duplicate detection.
  absl::Status InsertContact(MysqlConnection& conn, int64_t customer_id,
                             v1::Contact* contact,
                             const std::vector<std::string>& normalized_phones,
                             absl::Time now);
  absl::Status UpdateContact(MysqlConnection& conn, int64_t contact_id,
                             const v1::Contact& contact,
                             const std::vector<std::string>& normalized_phones);
  absl::Status RemoveContact(MysqlConnection& conn, int64_t contact_id,
                             absl::Time now);
  absl::Status ClearPrimary(MysqlConnection& conn, int64_t customer_id,
                            int64_t except_contact_id);

  // ---- history and registers
  absl::Status InsertGradeChange(MysqlConnection& conn, int64_t customer_id,
                                 v1::Grade from, v1::Grade to,
                                 absl::string_view reason,
                                 const Principal& actor, absl::Time now);
  absl::StatusOr<Page<v1::GradeChange>> ListGradeChanges(
      MysqlConnection& conn, int64_t customer_id,
      std::optional<PageCursor> after, int limit);

  absl::Status InsertCreditRatingChange(MysqlConnection& conn,
                                        int64_t customer_id,
                                        v1::CreditRating from,
                                        v1::CreditRating to,
                                        absl::string_view reason,
                                        const v1::CreditAssessment& assessment,
                                        const Principal& actor, absl::Time now);
  absl::StatusOr<Page<v1::CreditRatingChange>> ListCreditRatingChanges(
      MysqlConnection& conn, int64_t customer_id,
      std::optional<PageCursor> after, int limit);

  absl::Status InsertOwnerChange(MysqlConnection& conn, int64_t customer_id,
                                 const v1::OwnerChange& change,
                                 const Principal& actor, absl::Time now);
  absl::StatusOr<Page<v1::OwnerChange>> ListOwnerChanges(
      MysqlConnection& conn, int64_t customer_id,
      std::optional<PageCursor> after, int limit);

  absl::Status InsertDealing(MysqlConnection& conn, int64_t customer_id,
                             v1::Dealing* dealing, const Principal& actor,
                             absl::Time now);
  absl::StatusOr<Page<v1::Dealing>> ListDealings(
      MysqlConnection& conn, int64_t customer_id,
      std::optional<PageCursor> after, int limit);

  absl::Status InsertChange(MysqlConnection& conn, int64_t customer_id,
                            absl::string_view method, const Principal& actor,
                            absl::string_view request_id,
                            const std::vector<FieldChangeRecord>& fields,
                            absl::Time now);
  // Newest first.
  absl::StatusOr<Page<v1::CustomerChange>> ListChanges(
      MysqlConnection& conn, int64_t customer_id,
      std::optional<PageCursor> after, int limit);

  absl::Status InsertAccessRecord(MysqlConnection& conn, int64_t customer_id,
                                  const Principal& reader,
                                  absl::string_view purpose,
                                  absl::string_view method, absl::Time now);
  // customer_id 0: all archives. Newest first.
  absl::StatusOr<Page<v1::AccessRecord>> ListAccessRecords(
      MysqlConnection& conn, int64_t customer_id, absl::string_view reader_id,
      std::optional<PageCursor> after, int limit);

  // ---- teams
  absl::StatusOr<TeamRecord> GetTeam(MysqlConnection& conn,
                                     absl::string_view team_id, bool lock);
  absl::Status InsertTeam(MysqlConnection& conn, absl::string_view team_id,
                          v1::Team* team, absl::Time now);
  absl::Status UpdateTeam(MysqlConnection& conn, absl::string_view team_id,
                          v1::Team* team, int64_t expected_version,
                          absl::Time now);
  absl::Status SetTeamCursor(MysqlConnection& conn, absl::string_view team_id,
                             int64_t cursor);
  absl::StatusOr<Page<v1::Team>> ListTeams(MysqlConnection& conn,
                                           std::optional<PageCursor> after,
                                           int limit);
  // Open archives owned by each of `staff_ids` (absent means 0), from the
  // per-owner counter (owner_open_archives): one key lookup per member.
  absl::StatusOr<absl::flat_hash_map<std::string, int64_t>> OpenArchiveCounts(
      MysqlConnection& conn, const std::vector<std::string>& staff_ids);
  // Keeps the counter equal to the COUNT of open archives per owner: called
  // in the transaction of every write of an archive row, with who held it
  // open before (nullopt for a new archive) and after. Why it stays equal:
  // an archive's owner and state change only through InsertCustomer and
  // UpdateCustomer, each followed by this call in the same transaction;
  // the "before" comes from the row read FOR UPDATE in that transaction
  // (MutateArchive), so no other writer changed it in between; the
  // counter's rows are updated by increments under their row locks (taken
  // in owner id order, so two transfers between the same two owners cannot
  // deadlock), and commit or roll back with the archive. Migration 006
  // starts it from the COUNT; a replica of an older version writing during
  // a rolling upgrade would not keep it (upgrade with the writers stopped,
  // or recount: the migration's INSERT ... SELECT).
  absl::Status MoveOpenArchive(MysqlConnection& conn,
                               const std::optional<OpenHolder>& before,
                               const OpenHolder& after);
};

}  // namespace csm::customer

#endif  // CSM_CUSTOMER_SVC_STORE_CUSTOMER_STORE_H_
