// Calls gRPC from a program that links only csm_base (what domain code may
// link). The layer_probe tests build it twice: alone it must fail to link
// (the layer rules bite at link time too), with gRPC added it must build
// (so the failure is the missing library, not a broken probe).
#include <grpcpp/grpcpp.h>

#include "common/text.h"

int main() { return csm::CountCodePoints(grpc::Version()) > 0 ? 0 : 1; }
