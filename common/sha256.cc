#include "common/sha256.h"

#include <openssl/evp.h>

#include <cstdlib>

#include "absl/strings/escaping.h"

namespace csm::internal {

// OpenSSL's libcrypto is already linked through gRPC (gRPC::grpc depends on
// OpenSSL::Crypto), so this adds no dependency and no hand-rolled hash.
std::string Sha256Hex(absl::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(),
                 nullptr) != 1) {
    // Only fails on allocation failure inside OpenSSL; nothing sensible to
    // return, and a wrong checksum would be worse than stopping.
    std::abort();
  }
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), length));
}

}  // namespace csm::internal
