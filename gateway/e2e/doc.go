// Package e2e tests csm-gateway end to end: the real binaries of the
// gateway and the services, a real MariaDB (the ctest fixture), HTTP only.
package e2e
