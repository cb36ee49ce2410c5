// Package ipvsadm is the ipvsadm 1.31 front end: Run takes one command
// line, has internal/grammar read it into a Request, runs it against the
// kernel through ipvs.API and prints ipvsadm's exact tables, messages and
// exit status. -R sends runs of changes through the API's Batch; lists
// stream the kernel's dumps. --json and -R --test are its additions.
//
// Everything it touches comes in through Env, which the program builds
// from the system and tests build from internal/ipvstest and fixtures.
//
// The data path reads one way: argv → grammar → Request → ipvs → format → stdout.
package ipvsadm
