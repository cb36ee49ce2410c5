// Package show is how ipvsadm 1.31 shows services, real servers and
// addresses, for every front end that shows them (-L, -S, -c and --json,
// top, doctor): a service's key ("TCP  vip:port", "-f 7"), addr:port with
// names unless -n, glibc's inet_ntop text, and the JSON objects of
// internal/jsonschema. Pure functions, appending to a caller's buffer.
package show
