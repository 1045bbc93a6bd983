# SPDX-License-Identifier: GPL-2.0-or-later
# t-zcrypt.sh - the attributes zcrypt's drivers add (zcrypt_cex4.c): CCA
# cards' serialnr, EP11 cards' API_ordinalnr, FW_version, serialnr and
# op_modes, CCA and EP11 queues' mkvps, EP11 queues' op_modes, in the
# kernel's formats, present only while bound to cex4card/cex4queue; set
# through /sys/kernel/apsim/mkvp and card_info and the mk_seed/serial_seed
# parameters, and read back by apmatrix show --json --detail.
. "$APM_TOP/tests/vm/lib.sh"

D=$S/devices/ap
load adapters=4:CEX8C,5:CEX8P,6:CEX8A domains=1,0x47 || { not_ok "insmod apsim"; done_testing; exit 1; }
is "CCA card: serialnr, 8 characters" 1 "$(rd $D/card04/serialnr | grep -c '^93AA[0-9A-Z]\{4\}$')"
is "EP11 card: serialnr, 16 characters" 1 "$(rd $D/card05/serialnr | grep -c '^93AA[0-9A-Z]\{12\}$')"
is "the cards' serial numbers differ" 0 "$([ "$(rd $D/card04/serialnr)" = "$(rd $D/card05/serialnr | cut -c1-8)" ] && echo 1 || echo 0)"
is "EP11 API_ordinalnr" 7 "$(rd $D/card05/API_ordinalnr)"
is "EP11 FW_version" 8.1 "$(rd $D/card05/FW_version)"
is "EP11 card op_modes: none" "" "$(rd $D/card05/op_modes)"
for f in API_ordinalnr FW_version op_modes; do
	is "a CCA card has no $f" no "$([ -e $D/card04/$f ] && echo yes || echo no)"
done
is "an accelerator has no serialnr" no "$([ -e $D/card06/serialnr ] && echo yes || echo no)"
is "CCA queue mkvps: AES APKA ASYM, NEW CUR OLD" \
	"AES NEW: empty|AES CUR: valid|AES OLD: valid|APKA NEW: empty|APKA CUR: valid|APKA OLD: valid|ASYM NEW: empty|ASYM CUR: valid|ASYM OLD: valid" \
	"$(cut -d' ' -f1-3 $D/card04/04.0001/mkvps | tr '\n' '|' | sed 's/|$//')"
is "CCA patterns: 16 and 32 hex digits" 9 \
	"$(grep -c '^AES [A-Z]*: [a-z]* 0x[0-9a-f]\{16\}$\|^APKA [A-Z]*: [a-z]* 0x[0-9a-f]\{16\}$\|^ASYM [A-Z]*: [a-z]* 0x[0-9a-f]\{32\}$' $D/card04/04.0001/mkvps)"
is "a domain's keys are its own" no \
	"$([ "$(sed -n 2p $D/card04/04.0001/mkvps)" = "$(sed -n 2p $D/card04/04.0047/mkvps)" ] && echo yes || echo no)"
is "EP11 queue mkvps: the wrapping key" 1 \
	"$(grep -c '^WK CUR: valid 0x[0-9a-f]\{64\}$' $D/card05/05.0001/mkvps)"
is "EP11 WK NEW empty" "WK NEW: empty -" "$(sed -n 2p $D/card05/05.0001/mkvps)"
is "EP11 queue op_modes" "" "$(rd $D/card05/05.0001/op_modes)"
is "a CCA queue has no op_modes" no "$([ -e $D/card04/04.0001/op_modes ] && echo yes || echo no)"
is "an accelerator queue has no mkvps" no "$([ -e $D/card06/06.0001/mkvps ] && echo yes || echo no)"
answer "0x47 to vfio_ap" OK $S/bus/ap/aqmask -0x47
is "bound to vfio_ap: no mkvps" no "$([ -e $D/card04/04.0047/mkvps ] && echo yes || echo no)"
answer "back to cex4queue" OK $S/bus/ap/aqmask +0x47
is "bound to cex4queue again: mkvps" yes "$([ -e $D/card04/04.0047/mkvps ] && echo yes || echo no)"

# Registers and card facts set apart (the same files as the simulated host's).
answer "a domain's AES CUR" OK $S/kernel/apsim/mkvp "*.0047 aes_cur valid 0x1d5e"
answer "one APQN's own" OK $S/kernel/apsim/mkvp "04.0047 aes_cur invalid 0x8b02"
answer "an EP11 queue's WK NEW" OK $S/kernel/apsim/mkvp "05.0047 wk_new uncommitted 0xabc"
answer "an EP11 queue's op modes" OK $S/kernel/apsim/mkvp "05.0047 op_modes FIPS2009 BSI2011"
answer "no SYM register" EINVAL $S/kernel/apsim/mkvp "04.0047 sym_cur valid 0x1"
answer "a state the kernel does not show" EINVAL $S/kernel/apsim/mkvp "04.0047 aes_new valid 0x1"
is "the APQN's own wins" "AES CUR: invalid 0x0000000000008b02" "$(sed -n 2p $D/card04/04.0047/mkvps)"
answer "an EP11 card's facts" OK $S/kernel/apsim/card_info "5 op_modes FIPS2021"
answer "... its serial number" OK $S/kernel/apsim/card_info "5 serialnr 0123456789ABCDEF"
answer "a CCA serial number is at most 8" EINVAL $S/kernel/apsim/card_info "4 serialnr 0123456789"
answer "an accelerator has none" ENODEV $S/kernel/apsim/card_info "6 serialnr X"
is "card op_modes" FIPS2021 "$(rd $D/card05/op_modes)"
is "card serialnr" 0123456789ABCDEF "$(rd $D/card05/serialnr)"
is "the set registers read back" \
	"*.0047 aes_cur valid 0x0000000000001d5e|04.0047 aes_cur invalid 0x0000000000008b02|05.0047 wk_new uncommitted 0x0000000000000000000000000000000000000000000000000000000000000abc|05.0047 op_modes FIPS2009 BSI2011" \
	"$(tr '\n' '|' <$S/kernel/apsim/mkvp | sed 's/|$//')"
is "the set card facts read back" "0x05 serialnr 0123456789ABCDEF|0x05 op_modes FIPS2021" \
	"$(tr '\n' '|' <$S/kernel/apsim/card_info | sed 's/|$//')"

# What the card cannot answer.
answer "EP11 queue offline" OK $D/card05/05.0047/online 0
is "offline: WK - -" "WK CUR: - -|WK NEW: - -" "$(tr '\n' '|' <$D/card05/05.0047/mkvps | sed 's/|$//')"
answer "EP11 queue online" OK $D/card05/05.0047/online 1

# apmatrix reads the same (show --json --detail, libapmatrix).
"$APMATRIX" --sysfs $S show --json --detail >"$W/j" 2>"$W/jerr" || not_ok "show --json --detail: $(cat "$W/jerr")"
is "JSON: EP11 card facts" "0123456789ABCDEF 7 8.1 FIPS2021" "$(python3 -c '
import json, sys
a = [a for a in json.load(open(sys.argv[1]))["adapters"] if a["id"] == 5][0]
print(a["serialnr"], a["api_ordinalnr"], a["fw_version"], " ".join(a["op_modes"]))' "$W/j")"
is "JSON: a queue's registers" "AES CUR invalid 0x0000000000008b02" "$(python3 -c '
import json, sys
q = [q for q in json.load(open(sys.argv[1]))["queues"] if q["apqn"] == "04.0047"][0]
r = q["mkvps"][1]
print(r["register"], r["state"], r["pattern"])' "$W/j")"
is "JSON: an EP11 queue's op modes; a pattern the kernel prints none of is null" \
	"FIPS2009 BSI2011|None" "$(python3 -c '
import json, sys
qs = {q["apqn"]: q for q in json.load(open(sys.argv[1]))["queues"]}
print(" ".join(qs["05.0047"]["op_modes"]) + "|" + str(qs["05.0001"]["mkvps"][1]["pattern"]))' "$W/j")"
unload

# The seeds: another mk_seed, other keys; another serial_seed, other serial numbers.
load adapters=4:CEX8C domains=1 || not_ok "insmod apsim"
a1=$(sed -n 2p $D/card04/04.0001/mkvps)
s1=$(rd $D/card04/serialnr)
unload
load adapters=4:CEX8C domains=1 mk_seed=7 serial_seed=3 || not_ok "insmod apsim with seeds"
is "mk_seed changes the keys" no "$([ "$(sed -n 2p $D/card04/04.0001/mkvps)" = "$a1" ] && echo yes || echo no)"
is "serial_seed changes the serial numbers" no "$([ "$(rd $D/card04/serialnr)" = "$s1" ] && echo yes || echo no)"
unload && ok "rmmod" || not_ok "rmmod"
done_testing
