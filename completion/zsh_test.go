package completion

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// zshInit runs in the interactive zsh under test: our script on fpath,
// TAB completes, and every match compadd adds is echoed as "<<M>>match".
const zshInit = `PROMPT= RPROMPT=
fpath=(${0:h} $fpath)
autoload -Uz compinit && compinit -u -D
bindkey '^I' complete-word
zstyle ':completion:*' insert-tab false
_ipvsadm_test_end() { print -r -- $'\n<<END>>' }
comppostfuncs=(_ipvsadm_test_end)
compadd() {
  # calls that only compute (-O, -A, -D) pass through untouched
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi
  local -a __m
  builtin compadd -O __m "$@"
  (( $#__m )) && print -rl -- ${^__m/#/<<M>>}
  builtin compadd "$@"
}
`

// zshDrive types LINE and a TAB into an interactive zsh on a pty and
// prints what the terminal showed, up to the end of the completion.
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
zpty -w -n z "$2"$'\t'
readuntil '<<END>>' || { print -r -- "no completion: $out"; exit 5 }
print -r -- $out
zpty -d z
`

func zshComplete(t *testing.T, zsh, dir, line string) []string {
	t.Helper()
	out, err := exec.Command(zsh, "-f", filepath.Join(dir, "drive.zsh"), filepath.Join(dir, "init.zsh"), line).Output()
	if err != nil {
		t.Fatalf("completing %q in zsh: %v\n%s", line, err, out)
	}
	parts := strings.Split(strings.ReplaceAll(string(out), "\r", ""), "<<M>>")
	var got []string
	for _, p := range parts[1:] {
		got = append(got, strings.SplitN(p, "\n", 2)[0])
	}
	sort.Strings(got)
	return dedup(got)
}

// The zsh script, loaded by compinit in a real interactive zsh, offers
// the right words.
func TestZshCompletes(t *testing.T) {
	zsh, err := exec.LookPath("zsh")
	if err != nil {
		t.Skip("zsh not installed (apt-get install zsh)")
	}
	dir := t.TempDir()
	for name, body := range map[string]string{"_ipvsadm": Zsh(), "init.zsh": zshInit, "drive.zsh": zshDrive} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
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
		{"ipvsadm ", []string{"apply", "arp-prep", "completion"}},
		{"ipvsadm arp-prep --", sorted("--dev", "--all-interfaces", "--remove", "--check", "--json", "--dry-run", "--help")},
		{"ipvsadm --netns x arp-prep --dev l", []string{"lo"}},
		{"ipvsadm completion ", []string{"bash", "zsh"}},
		{"ipvsadm-save -", []string{"-n"}},
	} {
		if got := zshComplete(t, zsh, dir, tc.line); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("zsh completes %q to %q, want %q", tc.line, got, tc.want)
		}
	}
}
