#ifndef CSM_CUSTOMER_SVC_SRC_DOMAIN_ARCHIVE_ACCESS_H_
#define CSM_CUSTOMER_SVC_SRC_DOMAIN_ARCHIVE_ACCESS_H_

#include "common/principal.h"
#include "customer-svc/src/domain/masking.h"

// Who may do what with one archive (专人负责: every archive has one owner,
// supervised by the managers of the owner's department). Who may read it
// unmasked is MayViewUnmasked in masking.h.

namespace csm::customer {

// Maintain the archive's facts, contacts, grade and dealings: its owner, a
// supervisor or manager of its department, or an archivist.
bool MayMaintain(const Principal& caller, const ArchiveAccess& archive);

// Decisions above the owner (transfer, close, reopen, credit rating): a
// supervisor or manager of its department, or an archivist.
bool MaySupervise(const Principal& caller, const ArchiveAccess& archive);

// Naming an owner at creation instead of fair allocation: never an agent
// (抢客, grabbing customers, is forbidden); supervisors, managers and
// archivists may place an archive deliberately.
bool MayAssignOwner(const Principal& caller);

}  // namespace csm::customer

#endif  // CSM_CUSTOMER_SVC_SRC_DOMAIN_ARCHIVE_ACCESS_H_
