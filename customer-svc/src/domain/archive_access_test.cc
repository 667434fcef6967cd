#include "customer-svc/src/domain/archive_access.h"

#include <gtest/gtest.h>

namespace csm::customer {
namespace {

const ArchiveAccess kArchive{"li.na", "客服部"};

Principal Caller(std::string id, RoleSet roles, std::string dept = "客服部") {
  return Principal{std::move(id), std::move(dept), roles};
}

TEST(ArchiveAccessTest, OwnerMaintainsButDoesNotSupervise) {
  Principal owner = Caller("li.na", {Role::kAgent});
  EXPECT_TRUE(MayMaintain(owner, kArchive));
  EXPECT_FALSE(MaySupervise(owner, kArchive));
}

TEST(ArchiveAccessTest, OtherAgentOfSameDepartmentMayNotMaintain) {
  EXPECT_FALSE(MayMaintain(Caller("wang.fang", {Role::kAgent}), kArchive));
}

TEST(ArchiveAccessTest, SupervisorOnlyInOwnDepartment) {
  EXPECT_TRUE(MaySupervise(Caller("s1", {Role::kSupervisor}), kArchive));
  EXPECT_TRUE(MayMaintain(Caller("m1", {Role::kManager}), kArchive));
  EXPECT_FALSE(
      MaySupervise(Caller("s2", {Role::kSupervisor}, "销售部"), kArchive));
  EXPECT_FALSE(MayMaintain(Caller("s3", {Role::kSupervisor}, ""),
                           ArchiveAccess{"x", ""}));
}

TEST(ArchiveAccessTest, ArchivistEverywhereGeneralManagerNotByRole) {
  EXPECT_TRUE(
      MaySupervise(Caller("a1", {Role::kArchivist}, "档案室"), kArchive));
  EXPECT_FALSE(MayMaintain(Caller("gm", {Role::kGeneralManager}), kArchive));
}

TEST(ArchiveAccessTest, AgentsCannotChooseOwners) {
  EXPECT_FALSE(MayAssignOwner(Caller("a", {Role::kAgent})));
  EXPECT_FALSE(MayAssignOwner(Caller("svc", {Role::kService})));
  EXPECT_TRUE(MayAssignOwner(Caller("s", {Role::kSupervisor})));
  EXPECT_TRUE(MayAssignOwner(Caller("a", {Role::kArchivist})));
}

}  // namespace
}  // namespace csm::customer
