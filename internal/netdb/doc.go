// Package netdb answers the name questions ipvsadm asks the C library:
// host names and services, forward (gethostbyname, getservbyname, while a
// command line is parsed) and reverse (gethostbyaddr, getservbyport, while
// a list is printed without -n). System asks the machine; Files answers
// from a hosts and a services file only, as tests need.
package netdb
