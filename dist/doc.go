// Package dist holds what "make install" puts beside the binary that is not
// Go: the systemd unit ipvsadm.service. Its test runs make install into a
// temporary DESTDIR and checks the layout: binary, ipvsadm-save and
// ipvsadm-restore links, man pages, bash and zsh completion, unit.
package dist
