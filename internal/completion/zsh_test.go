package completion

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/lvsgo/ipvsadm/internal/top"
)

// zshInit runs in the interactive zsh under test: our script on fpath,
// TAB completes, and every match compadd adds is echoed as "<<M>>match".
const zshInit = `PROMPT= RPROMPT=
fpath=(${0:h} $fpath)
autoload -Uz compinit && compinit -u -D
zstyle ':completion:*' insert-tab false
_ipvsadm_test_end() { print -r -- $'\n<<END>>' }
# comppostfuncs is emptied after each completion: set it every time
_ipvsadm_test_complete() { comppostfuncs=(_ipvsadm_test_end); zle complete-word }
zle -N _ipvsadm_test_complete
bindkey '^I' _ipvsadm_test_complete
compadd() {
  # calls that only compute (-O, -A, -D) pass through untouched
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi
  local -a __m
  builtin compadd -O __m "$@"
  (( $#__m )) && print -rl -- ${^__m/#/<<M>>}
  builtin compadd "$@"
}
`

// zshDrive types each LINE and a TAB into one interactive zsh on a pty,
// prints what the terminal showed up to the end of the completion and
// "<<CASE>>", and clears the line for the next.
const zshDrive = `zmodload zsh/zpty zsh/datetime || exit 3
zpty z zsh -f -i
readuntil() {
  local chunk deadline=$(( EPOCHREALTIME + 10 ))
  out=
  while (( EPOCHREALTIME < deadline )); do
    if zpty -r -t z chunk 2>/dev/null; then
      out+=$chunk
      [[ $out == *$1* ]] && return 0
    else
      sleep 0.02
    fi
  done
  return 1
}
zpty -w z "source ${(q)1}; print '<<READY''>>'"
readuntil '<<READY>>' || { print -r -- "init: $out"; exit 4 }
for line in "${@[2,-1]}"; do
  zpty -w -n z "$line"$'\t'
  readuntil '<<END>>' || { print -r -- "no completion of $line: $out"; exit 5 }
  print -r -- "$out<<CASE>>"
  zpty -w -n z $'\C-u'
done
zpty -d z
`

// zshComplete completes each line in one zsh and returns the sorted
// matches of each.
func zshComplete(t *testing.T, zsh, dir string, lines []string) [][]string {
	t.Helper()
	args := append([]string{"-f", filepath.Join(dir, "drive.zsh"), filepath.Join(dir, "init.zsh")}, lines...)
	out, err := exec.Command(zsh, args...).Output()
	if err != nil {
		t.Fatalf("completing in zsh: %v\n%s", err, out)
	}
	cases := strings.Split(strings.ReplaceAll(string(out), "\r", ""), "<<CASE>>")
	if len(cases) != len(lines)+1 {
		t.Fatalf("zsh completed %d lines, want %d:\n%s", len(cases)-1, len(lines), out)
	}
	var all [][]string
	for _, c := range cases[:len(lines)] {
		var got []string
		for _, p := range strings.Split(c, "<<M>>")[1:] {
			got = append(got, strings.SplitN(p, "\n", 2)[0])
		}
		sort.Strings(got)
		all = append(all, dedup(got))
	}
	return all
}

// The zsh script, loaded by compinit in a real interactive zsh, offers
// the right words.
func TestZshCompletes(t *testing.T) {
	zsh, err := exec.LookPath("zsh")
	if err != nil {
		t.Skip("zsh not installed (apt-get install zsh)")
	}
	dir := t.TempDir()
	for name, body := range map[string]string{"_ipvsadm": Zsh(commands), "init.zsh": zshInit, "drive.zsh": zshDrive} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		line string
		want []string
	}{
		{"ipvsadm --schedu", []string{"--scheduler"}},
		{"ipvsadm -Ln --ex", []string{"--exact"}},
		{"ipvsadm -A -t 10.0.0.1:80 -s ", sorted(Schedulers...)},
		{"ipvsadm -A --scheduler=w", []string{"wlc", "wrr"}},
		{"ipvsadm -A -sw", []string{"wlc", "wrr"}},
		{"ipvsadm -A -b sh-port,mh-", []string{"mh-fallback", "mh-port"}},
		{"ipvsadm -A --pe ", []string{"sip"}},
		{"ipvsadm -a --tun-type ", sorted(TunnelTypes...)},
		{"ipvsadm --start-daemon ", []string{"backup", "master"}},
		{"ipvsadm ", []string{"apply", "arp-prep", "boot", "completion", "doctor", "help", "top", "version"}},
		{"ipvsadm help ", []string{"apply", "arp-prep", "boot", "completion", "doctor", "help", "top", "version"}},
		{"ipvsadm version --", []string{"--json"}},
		{"ipvsadm arp-prep --", sorted("--dev", "--all-interfaces", "--remove", "--persist", "--boot", "--check", "--json", "--dry-run", "--help")},
		{"ipvsadm --netns x arp-prep --dev l", []string{"lo"}},
		{"ipvsadm completion ", []string{"bash", "zsh"}},
		{"ipvsadm doctor --tunnel ", sorted(TunnelTypes...)},
		{"ipvsadm doctor --pr", []string{"--probe"}},
		{"ipvsadm top --sort ", sorted(top.SortKeys()...)},
		{"ipvsadm top --ba", []string{"--batch"}},
		{"ipvsadm-save -", []string{"-n"}},
	}
	var lines []string
	for _, c := range cases {
		lines = append(lines, c.line)
	}
	for i, got := range zshComplete(t, zsh, dir, lines) {
		if !reflect.DeepEqual(got, cases[i].want) {
			t.Errorf("zsh completes %q to %q, want %q", cases[i].line, got, cases[i].want)
		}
	}
}
