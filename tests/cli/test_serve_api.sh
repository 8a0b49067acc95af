#!/usr/bin/env bash
# API tests of `glossalign serve`: start the real server on a free loopback
# port over a copy of the bundled glossary, call every route with curl,
# good requests and bad ones (malformed JSON, huge bodies, invalid UTF-8,
# unknown ids, missing token, foreign Origin/Host), check each answer's
# status and JSON, and check that the server keeps serving afterwards.
#
#   tests/cli/test_serve_api.sh BINARY   (ctest passes it; run from the root)
set -u
bin=${1:?usage: test_serve_api.sh BINARY}
root=${GLA_SOURCE_DIR:-$(pwd)}
bdir=${GLA_BINARY_DIR:-$(dirname "$bin")}
command -v curl >/dev/null || { echo "curl is missing (scripts/setup)"; exit 1; }
if ! "$bin" serve --help >/dev/null 2>&1 || ! "$bin" serve --help | grep -q -- --token; then
  echo "this glossalign has no serve command"; exit 1
fi

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
cp "$bdir/glossary.db" "$work/g.db" || { echo "no $bdir/glossary.db"; exit 1; }
cp "$bdir/glossary.db" "$work/ro.db"

fails=0 passes=0
ok() { passes=$((passes + 1)); }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# start NAME ARGS...: run the server, set $url_NAME and $pid_NAME.
start() {
  local name=$1; shift
  "$bin" serve --port 0 "$@" >"$work/$name.out" 2>"$work/$name.err" &
  local pid=$! i
  pids+=("$pid")
  for i in $(seq 1 100); do
    grep -q '^listening on ' "$work/$name.out" 2>/dev/null && break
    sleep 0.05
  done
  local u
  u=$(sed -n 's/^listening on //p' "$work/$name.out")
  [ -n "$u" ] || { echo "server $name did not start:"; cat "$work/$name.err"; exit 1; }
  printf -v "url_$name" '%s' "${u%/}"
  printf -v "pid_$name" '%s' "$pid"
}

TOKEN=test-token-0123456789abcdef
start main --db "$work/g.db" --token "$TOKEN"
U=$url_main
HOSTPORT=${U#http://}

# call NAME EXPECTED_STATUS CHECK METHOD PATH [curl args...]
# CHECK is a Python expression over j (the JSON body), b (raw text) and
# h (headers, lower-case names); every error must be JSON with a message.
call() {
  local name=$1 want=$2 check=$3 method=$4 path=$5; shift 5
  local code
  code=$(curl -s -o "$work/body" -D "$work/head" -w '%{http_code}' -X "$method" \
         --max-time 20 "$@" "$U$path")
  if [ "$code" != "$want" ]; then
    fail "$name: status $code, expected $want: $(head -c 300 "$work/body")"
    return
  fi
  if ! python3 - "$work/body" "$work/head" "$code" "$check" <<'PY'
import json, sys
body = open(sys.argv[1], 'rb').read()
heads = {}
for line in open(sys.argv[2], encoding='latin-1'):
    if ':' in line:
        k, v = line.split(':', 1)
        heads[k.strip().lower()] = v.strip()
code = int(sys.argv[3])
b = body.decode('utf-8')
j = None
if heads.get('content-type', '').startswith('application/json'):
    j = json.loads(b)
if code >= 400:
    assert j is not None, 'error is not JSON'
    assert isinstance(j.get('message'), str) and j['message'], 'no message'
    assert j.get('status') == code, 'status member differs'
h = heads
ok = eval(sys.argv[4])
if not ok:
    sys.stderr.write('check failed: %s\nbody: %s\n' % (sys.argv[4], b[:400]))
    sys.exit(1)
PY
  then
    fail "$name"
  else
    ok
  fi
}

JSON=(-H 'Content-Type: application/json')
AUTH=(-H "Authorization: Bearer $TOKEN")

# ---- reads ----
call config 200 "j['read_only'] is False and j['token_in_page'] is False" GET /api/config
call lookup-plain 200 "j['count']==1 and j['results'][0]['entry']['ref']=='person.hoang-xuan-chien' and any(t['text']=='Hoàng Xuân Chiến' and t['lang']=='vi' for t in j['results'][0]['entry']['terms'])" \
  GET "/api/lookup?q=Hoang%20Xuan%20Chien"
call lookup-diacritics 200 "j['results'][0]['entry']['ref']=='person.hoang-xuan-chien'" \
  GET "/api/lookup?q=ho%C3%A0ng%20XU%C3%82N%20chi%C3%AAn"
call lookup-k2 200 "j['match']=='diacritics' and j['results'][0]['entry']['ref']=='person.hoang-xuan-chien'" \
  GET "/api/lookup?q=Hoang%20Xuan%20Chien&level=k2"
call lookup-lang 200 "j['count']==1 and all(j['results'][0]['entry']['terms'][0]['id']!=x for x in [])" \
  GET "/api/lookup?q=Ho%C3%A0ng%20Xu%C3%A2n%20Chi%E1%BA%BFn&lang=vi"
call lookup-ambiguous 200 "j['count']>1 and j['ambiguous'] is True" GET "/api/lookup?q=pr%C3%A9sident"
call lookup-none 200 "j['count']==0 and j['results']==[] and j['match'] is None" GET "/api/lookup?q=zzzzqqq"
call lookup-prefix 200 "j['match']=='prefix' and any(r['entry']['ref']=='person.hoang-xuan-chien' for r in j['results']) and j['ambiguous'] is False" \
  GET "/api/lookup?q=hoang%20xu&prefix=1"
call lookup-prefix-off 200 "j['count']==0" GET "/api/lookup?q=hoang%20xu"
call lookup-prefix-limit 200 "j['match']=='prefix' and j['count']==2" GET "/api/lookup?q=m&prefix=1&limit=2"
call lookup-missing-q 400 "j['error']=='missing_argument'" GET /api/lookup
call lookup-bad-level 400 "j['error']=='bad_argument'" GET "/api/lookup?q=a&level=k9"
call lookup-bad-lang 400 "j['error']=='bad_argument'" GET "/api/lookup?q=a&lang=%3Cscript%3E"
call lookup-long-q 400 "j['error']=='argument_too_long'" GET "/api/lookup?q=$(printf 'a%.0s' $(seq 600))"
call lookup-huge-query 400 "j['error']=='query_too_long'" GET "/api/lookup?q=$(printf 'b%.0s' $(seq 9000))"
call lookup-bad-utf8 400 "j['error']=='bad_utf8'" GET "/api/lookup?q=%FF%FEabc"
call lookup-overlong-utf8 400 "j['error']=='bad_utf8'" GET "/api/lookup?q=%C0%AF"
call resolve 200 "j['status']=='resolved' and j['candidates'][0]['vi']=='Hoàng Xuân Chiến'" \
  GET "/api/resolve?q=Hoang%20Xuan%20Chien"
call resolve-misspelt 200 "j['candidates'] and j['candidates'][0]['entry']=='person.hoang-xuan-chien'" \
  GET "/api/resolve?q=Hoang%20Xuan%20Chen"
call resolve-missing 400 "j['error']=='missing_argument'" GET /api/resolve
call stats 200 "j['entries']>100 and j['langs']['vi']>100" GET /api/stats
call entry-by-ref 200 "j['ref']=='person.hoang-xuan-chien' and j['kind']=='person'" \
  GET /api/entries/person.hoang-xuan-chien
call entry-unknown 404 "j['error']=='not_found'" GET /api/entries/person.nobody-at-all
call entry-unknown-id 404 "j['error']=='not_found'" GET /api/entries/999999
call history 200 "j['entry']=='person.hoang-xuan-chien' and j['changes'][0]['action']=='insert'" \
  GET /api/entries/person.hoang-xuan-chien/history
call route-unknown 404 "j['error']=='not_found'" GET /api/nothing-here
call method-wrong 405 "j['error']=='bad_method'" GET /api/annotate
call export-tbx 200 "'Hoàng Xuân Chiến' in b and b.lstrip().startswith('<?xml') and 'glossary.tbx' in h['content-disposition']" \
  GET "/api/export?format=tbx"
call export-tsv 200 "b.split('\n')[0].startswith('entry\t') and 'person.hoang-xuan-chien' in b" GET "/api/export?format=tsv"
call export-jsonl 200 "all(json.loads(l) for l in b.splitlines() if l)" GET "/api/export?format=jsonl"
call export-bad 400 "j['error']=='bad_argument'" GET "/api/export?format=docx"
call page 200 "'<meta name=\"gla-token\" content=\"\">' in b and 'default-src' in h['content-security-policy']" GET /
call asset-js 200 "h['content-type'].startswith('text/javascript') and 'use strict' in b" GET /assets/app.js
call asset-escape 404 "j['error']=='not_found'" GET /assets/../../../etc/passwd --path-as-is
call asset-missing 404 "j['error']=='not_found'" GET /etc/passwd

# ---- annotate ----
python3 - "$root/corpus/seeds/000-bilan-diplomatie-defense-2024.txt" "$work/ann.json" <<'PY'
import json, sys
json.dump({'text': open(sys.argv[1], encoding='utf-8').read(), 'from': 'fr', 'to': 'vi'},
          open(sys.argv[2], 'w', encoding='utf-8'), ensure_ascii=False)
PY
SEED="$root/corpus/seeds/000-bilan-diplomatie-defense-2024.txt"
call annotate 200 "len(j['mentions'])>=10 and all(open('$SEED','rb').read()[m['start']:m['end']].decode()==m['surface'] and open('$SEED',encoding='utf-8').read()[m['ustart']:m['uend']]==m['surface'] for m in j['mentions']) and any(m['target'] for m in j['mentions']) and j['concepts']" \
  POST /api/annotate "${JSON[@]}" --data-binary @"$work/ann.json"
call annotate-vi-targets 200 "any(m['entry']=='place.ha-noi' and m['target']=='Hà Nội' for m in j['mentions'])" \
  POST /api/annotate "${JSON[@]}" --data-binary '{"text":"Réunion à Hanoï avec le ministre.","to":"vi"}'
# Partial mentions of people, as the CLI reports them: same spans, level,
# score, flags and entry (docs/NAMES.md).
PT='Le ministre de la Défense, le général Phan Van Giang, a reçu son homologue. Le général Giang a souligné la coopération. Le général Phan est parti.'
printf '%s\n' "$PT" >"$work/partial.txt"
python3 - "$work/partial.txt" "$work/partial.json" <<'PY'
import json, sys
json.dump({'text': open(sys.argv[1], encoding='utf-8').read()},
          open(sys.argv[2], 'w', encoding='utf-8'), ensure_ascii=False)
PY
"$bin" annotate --db "$work/g.db" --format json "$work/partial.txt" >"$work/partial-cli.json" 2>/dev/null
CLI_ROWS="[(r['start'],r['end'],r['entry'],r['level'],r['score'],r['flags']) for r in map(json.loads, open('$work/partial-cli.json', encoding='utf-8'))]"
call annotate-partial 200 "[(m['surface'],m['entry'],m['level'],m['score'],m['flags'],m['target']) for m in j['mentions'] if m['level']=='partial']==[('Giang','person.phan-van-giang','partial',0.7,['partial'],'Phan Văn Giang')] and all(open('$work/partial.txt','rb').read()[m['start']:m['end']].decode()==m['surface'] and open('$work/partial.txt',encoding='utf-8').read()[m['ustart']:m['uend']]==m['surface'] for m in j['mentions']) and [x for x in j['concepts'] if x['entry']=='person.phan-van-giang'][0]['count']==2" \
  POST /api/annotate "${JSON[@]}" --data-binary @"$work/partial.json"
call annotate-partial-as-cli 200 "[(m['start'],m['end'],m['entry'],m['level'],m['score'],m['flags']) for m in j['mentions']]==$CLI_ROWS and any(m['level']=='partial' for m in j['mentions'])" \
  POST /api/annotate "${JSON[@]}" --data-binary @"$work/partial.json"
call annotate-partial-off 200 "j['mentions'] and not any(m['level']=='partial' or 'partial' in m['flags'] for m in j['mentions'])" \
  POST /api/annotate "${JSON[@]}" --data-binary "{\"text\":\"$PT\",\"partial\":false}"
call annotate-partial-before 200 "not any(m['level']=='partial' for m in j['mentions'])" \
  POST /api/annotate "${JSON[@]}" --data-binary '{"text":"Le général Giang a souligné la coopération. Plus tard, le général Phan Van Giang a reçu la délégation."}'
call annotate-partial-bad 400 "j['error']=='invalid' and 'partial' in j['message']" \
  POST /api/annotate "${JSON[@]}" --data-binary '{"text":"a","partial":"yes"}'
call annotate-malformed 400 "j['error']=='bad_json' and 'byte' in j['message']" \
  POST /api/annotate "${JSON[@]}" --data-binary '{"text": "abc",'
call annotate-empty 400 "j['error']=='bad_json'" POST /api/annotate "${JSON[@]}" --data-binary ''
call annotate-not-object 400 "j['error']=='invalid'" POST /api/annotate "${JSON[@]}" --data-binary '[1,2]'
call annotate-text-number 400 "j['error']=='invalid'" POST /api/annotate "${JSON[@]}" --data-binary '{"text":12}'
call annotate-unknown-field 400 "'unknown field' in j['message']" POST /api/annotate "${JSON[@]}" --data-binary '{"text":"a","colour":"red"}'
call annotate-bad-levels 400 "j['error']=='invalid'" POST /api/annotate "${JSON[@]}" --data-binary '{"text":"a","levels":"fuzzy"}'
printf '{"text":"caf\xe9 \xff"}' >"$work/bad-utf8.json"
call annotate-bad-utf8 400 "j['error']=='bad_utf8'" POST /api/annotate "${JSON[@]}" --data-binary @"$work/bad-utf8.json"
call annotate-content-type 415 "j['error']=='bad_content_type'" POST /api/annotate -H 'Content-Type: text/plain' --data-binary '{"text":"a"}'
head -c 5000000 /dev/zero | tr '\0' 'a' >"$work/huge"
call annotate-huge 413 "j['error']=='too_large'" POST /api/annotate "${JSON[@]}" --data-binary @"$work/huge"
call annotate-huge-chunked 413 "j['error']=='too_large'" POST /api/annotate "${JSON[@]}" -H 'Transfer-Encoding: chunked' --data-binary @"$work/huge"

# ---- check (a segment pair, or several) ----
call check-pair 200 "j['count']>=1 and any(f['kind']=='name-form' and f['expected']=='Phan Văn Giang' and f['target']['text']=='Phan Van Giang' for f in j['findings'])" \
  POST /api/check "${JSON[@]}" --data-binary '{"source":"Le général Phan Van Giang est à Hanoï.","target":"Đại tướng Phan Van Giang đang ở Hà Nội."}'
call check-number 200 "any(f['kind']=='number' and f['source']['text']=='12' for f in j['findings'])" \
  POST /api/check "${JSON[@]}" --data-binary '{"segments":[{"id":"s1","source":"Réunion le 12 mai à Hanoï.","target":"Cuộc họp tại Hà Nội."}]}'
call check-missing-target 400 "'target' in j['message']" POST /api/check "${JSON[@]}" --data-binary '{"segments":[{"source":"x"}]}'
call check-same-lang 400 "j['error']=='invalid'" POST /api/check "${JSON[@]}" --data-binary '{"source":"a","target":"b","from":"fr","to":"fr"}'
call check-index 200 "[(f['segment'],f['index'],f['kind']) for f in j['findings']]==[('b',1,'missing-term')] and j['segments']==2" \
  POST /api/check "${JSON[@]}" --data-binary '{"segments":[{"id":"a","source":"Hanoï.","target":"Hà Nội."},{"id":"b","source":"Hanoï.","target":"Thủ đô."}]}'
# A whole bilingual file sent as 'document': its languages, its pairs
# (untranslated ones listed, not checked), findings pointing at them.
docreq() { python3 -c 'import json,sys; d={"document":open(sys.argv[1],encoding="utf-8").read(),"name":sys.argv[2]}; d.update(json.loads(sys.argv[3]) if len(sys.argv)>3 else {}); sys.stdout.write(json.dumps(d))' "$@"; }
docreq "$root/tests/data/check/units-1.2.xlf" units.xlf >"$work/doc-xlf.json"
call check-doc-xliff 200 "j['from']=='fr' and j['to']=='vi' and j['segments']==3 and [p['id'] for p in j['pairs']]==['t1','t2','t3'] and [p['translated'] for p in j['pairs']]==[True,False,True] and j['pairs'][0]['source']=='Le ministère de la Défense a tenu 3 conférences.' and j['pairs'][0]['line']==5 and all(f['index'] in (0,2) for f in j['findings'])" \
  POST /api/check "${JSON[@]}" --data-binary @"$work/doc-xlf.json"
docreq "$root/tests/data/check/memory.tmx" memory.tmx '{"to":"vi"}' >"$work/doc-tmx.json"
call check-doc-tmx 200 "j['from']=='fr' and j['to']=='vi' and j['segments']==3 and j['count']==0 and [(p['id'],p['target']) for p in j['pairs']]==[('42','Bộ Quốc phòng.'),('2',''),('43','Hoàng Xuân Chiến')]" \
  POST /api/check "${JSON[@]}" --data-binary @"$work/doc-tmx.json"
call check-doc-tsv 200 "j['segments']==1 and j['count']==1 and j['findings'][0]['kind']=='missing-term' and j['findings'][0]['source']['text']=='Hanoï' and j['pairs'][0]['target']=='Đến thủ đô.'" \
  POST /api/check "${JSON[@]}" --data-binary '{"document":"s1\tArrivée à Hanoï.\tĐến thủ đô.\n","format":"tsv"}'
docreq "$root/tests/data/check/malformed.xlf" bad.xlf >"$work/doc-bad.json"
call check-doc-malformed 400 "j['error']=='bad_document' and j['message'].startswith('bad.xlf:')" \
  POST /api/check "${JSON[@]}" --data-binary @"$work/doc-bad.json"
docreq "$root/tests/data/check/entity.xlf" entity.xlf >"$work/doc-ent.json"
call check-doc-entity 400 "j['error']=='bad_document' and 'entit' in j['message']" \
  POST /api/check "${JSON[@]}" --data-binary @"$work/doc-ent.json"
docreq "$root/tests/data/check/not-bitext.xml" page.xml >"$work/doc-html.json"
call check-doc-not-bitext 400 "j['error']=='bad_document' and 'XLIFF' in j['message']" \
  POST /api/check "${JSON[@]}" --data-binary @"$work/doc-html.json"
call check-doc-empty 400 "j['error']=='bad_document' and 'no segment pair' in j['message']" \
  POST /api/check "${JSON[@]}" --data-binary '{"document":"","name":"empty.tsv"}'
call check-doc-and-pair 400 "j['error']=='invalid' and 'document' in j['message']" \
  POST /api/check "${JSON[@]}" --data-binary '{"document":"a\tb\n","source":"a","target":"b"}'
call check-doc-bad-format 400 "j['error']=='invalid' and 'format' in j['message']" \
  POST /api/check "${JSON[@]}" --data-binary '{"document":"a\tb\n","format":"docx"}'
call check-format-alone 400 "j['error']=='invalid'" \
  POST /api/check "${JSON[@]}" --data-binary '{"source":"a","target":"b","format":"tsv"}'
call check-doc-same-lang 400 "j['error']=='invalid' and 'different' in j['message']" \
  POST /api/check "${JSON[@]}" --data-binary '{"document":"a\tb\n","format":"tsv","from":"vi","to":"vi"}'

# ---- security ----
call bad-host 403 "j['error']=='bad_host'" GET /api/stats -H 'Host: evil.example:80'
call post-no-token 401 "j['error']=='token_required'" POST /api/entries "${JSON[@]}" --data-binary '{"ref":"term.x","terms":[{"lang":"fr","text":"x"}]}'
call post-bad-token 401 "j['error']=='bad_token'" POST /api/entries "${JSON[@]}" -H 'Authorization: Bearer wrong-token-0000000000' --data-binary '{"ref":"term.x","terms":[{"lang":"fr","text":"x"}]}'
call delete-no-token 401 "j['error']=='token_required'" DELETE /api/entries/person.hoang-xuan-chien
call post-foreign-origin 403 "j['error']=='bad_origin'" POST /api/entries "${JSON[@]}" "${AUTH[@]}" -H 'Origin: http://evil.example' --data-binary '{"ref":"term.x","terms":[{"lang":"fr","text":"x"}]}'
call post-cross-site 403 "j['error']=='bad_origin'" POST /api/annotate "${JSON[@]}" -H 'Sec-Fetch-Site: cross-site' --data-binary '{"text":"a"}'
call still-there 200 "j['ref']=='person.hoang-xuan-chien'" GET /api/entries/person.hoang-xuan-chien

# ---- writes ----
NEW='{"ref":"term.ecole-de-test","kind":"term","subject":"test","terms":[{"lang":"fr","text":"école de test","status":"preferred"},{"lang":"vi","text":"trường thử nghiệm","status":"preferred"}]}'
call create 201 "j['ref']=='term.ecole-de-test' and j['id']>0 and len(j['terms'])==2" \
  POST /api/entries "${JSON[@]}" "${AUTH[@]}" -H "Origin: $U" -H 'X-Author: api-test' --data-binary "$NEW"
call create-dup 409 "j['error']=='exists'" POST /api/entries "${JSON[@]}" "${AUTH[@]}" --data-binary "$NEW"
call create-no-ref 400 "'ref' in j['message']" POST /api/entries "${JSON[@]}" "${AUTH[@]}" --data-binary '{"terms":[{"lang":"fr","text":"x"}]}'
call create-no-terms 400 "'terms' in j['message']" POST /api/entries "${JSON[@]}" "${AUTH[@]}" --data-binary '{"ref":"term.y","terms":[]}'
call create-bad-status 400 "'status' in j['message']" POST /api/entries "${JSON[@]}" "${AUTH[@]}" --data-binary '{"ref":"term.y","terms":[{"lang":"fr","text":"y","status":"great"}]}'
call create-bad-ref 400 "j['error']=='invalid'" POST /api/entries "${JSON[@]}" "${AUTH[@]}" --data-binary '{"ref":"Bad Ref!","terms":[{"lang":"fr","text":"y"}]}'
call create-malformed 400 "j['error']=='bad_json'" POST /api/entries "${JSON[@]}" "${AUTH[@]}" --data-binary '{"ref":'
call create-dup-key 400 "j['error']=='bad_json'" POST /api/entries "${JSON[@]}" "${AUTH[@]}" --data-binary '{"ref":"term.z","ref":"term.w","terms":[{"lang":"fr","text":"z"}]}'
call find-new 200 "j['count']==1 and j['results'][0]['entry']['ref']=='term.ecole-de-test'" GET "/api/lookup?q=ecole%20de%20test"
call find-new-prefix 200 "any(r['entry']['ref']=='term.ecole-de-test' for r in j['results'])" GET "/api/lookup?q=ecole%20de%20t&prefix=1"
call annotate-new 200 "any(m['entry']=='term.ecole-de-test' and m['target']=='trường thử nghiệm' for m in j['mentions'])" \
  POST /api/annotate "${JSON[@]}" --data-binary '{"text":"Il dirige une école de test à Lyon."}'
id=$(curl -s "$U/api/entries/term.ecole-de-test" | python3 -c 'import json,sys; e=json.load(sys.stdin); print(e["id"], e["terms"][0]["id"])')
eid=${id% *} tid=${id#* }
UPD="{\"ref\":\"term.ecole-de-test\",\"kind\":\"term\",\"note\":\"checked\",\"terms\":[{\"id\":$tid,\"lang\":\"fr\",\"text\":\"école de test\",\"status\":\"preferred\"},{\"lang\":\"en\",\"text\":\"test school\"}],\"author\":\"Nguyễn Thị Mai\"}"
call update 200 "j['note']=='checked' and sorted(t['lang'] for t in j['terms'])==['en','fr'] and any(t['id']==$tid for t in j['terms'])" \
  PUT "/api/entries/$eid" "${JSON[@]}" "${AUTH[@]}" --data-binary "$UPD"
call update-unknown 404 "j['error']=='not_found'" PUT /api/entries/term.nope "${JSON[@]}" "${AUTH[@]}" --data-binary "$NEW"
call history-new 200 "[c['author'] for c in j['changes']][:1]==['api-test'] and 'Nguyễn Thị Mai' in [c['author'] for c in j['changes']] and any(c['action']=='update' for c in j['changes'])" \
  GET /api/entries/term.ecole-de-test/history
call annotate-after-update 200 "not any(m['entry']=='term.ecole-de-test' and m['target'] for m in j['mentions'])" \
  POST /api/annotate "${JSON[@]}" --data-binary '{"text":"Il dirige une école de test à Lyon."}'
call delete 200 "j['deleted']=='term.ecole-de-test'" DELETE "/api/entries/term.ecole-de-test?author=api-test" "${AUTH[@]}"
call delete-again 404 "j['error']=='not_found'" DELETE /api/entries/term.ecole-de-test "${AUTH[@]}"
call gone 200 "j['count']==0" GET "/api/lookup?q=ecole%20de%20test"
call gone-prefix 200 "not any(r['entry']['ref']=='term.ecole-de-test' for r in j['results'])" GET "/api/lookup?q=ecole%20de%20t&prefix=1"
# A change made by another process is seen within about a second.
call outside-before 200 "j['count']==0" GET "/api/lookup?q=mot%20du%20dehors"
"$bin" add --db "$work/g.db" --entry term.mot-du-dehors --term 'fr:mot du dehors' --term 'vi:từ bên ngoài' >/dev/null 2>"$work/add.err" || fail "glossalign add: $(cat "$work/add.err")"
sleep 1.2
call outside-lookup 200 "j['count']==1 and j['results'][0]['entry']['ref']=='term.mot-du-dehors'" GET "/api/lookup?q=mot%20du%20dehors"
call outside-annotate 200 "any(m['entry']=='term.mot-du-dehors' and m['target']=='từ bên ngoài' for m in j['mentions'])" \
  POST /api/annotate "${JSON[@]}" --data-binary '{"text":"Un mot du dehors."}'
call outside-annotate-2 200 "any(m['entry']=='term.mot-du-dehors' for m in j['mentions'])" \
  POST /api/annotate "${JSON[@]}" --data-binary '{"text":"Encore un mot du dehors."}'
call still-serving 200 "j['count']==1" GET "/api/lookup?q=Hoang%20Xuan%20Chien"

# ---- random garbage: every answer a JSON error, the server unharmed ----
if python3 - "$U" "$TOKEN" <<'PY'
import http.client, json, random, sys
from urllib.parse import urlparse
u = urlparse(sys.argv[1]); token = sys.argv[2]
rnd = random.Random(20261123)
seeds = [b'{"text":"a"}', b'{"ref":"term.q","terms":[{"lang":"fr","text":"q"}]}',
         '{"text":"Hà Nội – Hanoï"}'.encode(), b'[]', b'{"segments":[{"source":"a","target":"b"}]}']
bad = 0
for i in range(300):
    body = bytearray(rnd.choice(seeds))
    for _ in range(rnd.randint(1, 6)):
        op = rnd.randint(0, 3)
        pos = rnd.randint(0, len(body))
        if op == 0: body[pos:pos] = bytes([rnd.randint(0, 255)])
        elif op == 1 and body: del body[min(pos, len(body) - 1)]
        elif op == 2: body[pos:pos] = rnd.choice([b'\\u0000', b'\xc3', b'\xff', b'{', b'"', b'\\ud800', b'null', b'9e999'])
        else: body = body[:pos]
    path = rnd.choice(['/api/annotate', '/api/entries', '/api/check', '/api/entries/person.hoang-xuan-chien'])
    method = 'PUT' if path.endswith('chien') else 'POST'
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=20)
    # Writes carry the token but a ref no concept has, so nothing real changes.
    if method == 'PUT': path = '/api/entries/term.no-such-concept'
    c.request(method, path, bytes(body), {'Content-Type': 'application/json', 'Authorization': 'Bearer ' + token})
    r = c.getresponse(); data = r.read(); c.close()
    try:
        j = json.loads(data)
    except ValueError:
        print('not JSON:', r.status, data[:100]); bad += 1; continue
    if r.status >= 500 or (r.status >= 400 and not j.get('message')):
        print('bad answer', r.status, j, bytes(body)[:80]); bad += 1
sys.exit(1 if bad else 0)
PY
then ok; else fail "random bodies"; fi
# Random bilingual files sent to check: each a pair list or a JSON error
# naming the file, never a failure of the server.
if python3 - "$U" <<'PY'
import http.client, json, random, sys
from urllib.parse import urlparse
u = urlparse(sys.argv[1])
rnd = random.Random(8)
read = 0
frags = ['<?xml version="1.0"?>', '<xliff version="1.2">', '<xliff version="2.0" srcLang="fr" trgLang="vi">',
         '<file source-language="fr" target-language="vi">', '<body>', '<trans-unit id="a">', '<unit id="u">',
         '<segment>', '<source>', 'Hanoï ', 'Phan Van Giang', '</source>', '<target>', 'Hà Nội', '</target>',
         '</trans-unit>', '</segment>', '</unit>', '</body>', '</file>', '</xliff>', '<tmx version="1.4">',
         '<header srclang="fr"/>', '<tu>', '<tuv xml:lang="fr">', '<tuv xml:lang="vi">', '<seg>', '</seg>',
         '</tuv>', '</tu>', '&amp;', '&boom;', '<!DOCTYPE x [<!ENTITY boom "x">]>', '\t', '\n', '\x00', 'é',
         '<g id="1">', '</g>', '<x/>', '12', '<![CDATA[x]]>']
bad = 0
for i in range(200):
    body = {'document': ''.join(rnd.choice(frags) for _ in range(rnd.randint(0, 40)))}
    if rnd.random() < 0.3: body['format'] = rnd.choice(['auto', 'xliff', 'tmx', 'tsv', 'xml'])
    if rnd.random() < 0.4: body['name'] = rnd.choice(['a.xlf', 'b.tmx', 'c.tsv', '', '/x/y.xliff'])
    if rnd.random() < 0.2: body['to'] = rnd.choice(['vi', 'fr', 'en'])
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=20)
    c.request('POST', '/api/check', json.dumps(body).encode(), {'Content-Type': 'application/json'})
    r = c.getresponse(); j = json.loads(r.read()); c.close()
    ok = (r.status == 200 and len(j['pairs']) == j['segments'] > 0) or \
         (r.status == 400 and j['error'] in ('bad_document', 'invalid', 'bad_json') and j['message'])
    if not ok:
        print('bad answer', r.status, j, body); bad += 1
    read += r.status == 200
if not read:
    print('no random document was read at all'); bad += 1
sys.exit(1 if bad else 0)
PY
then ok; else fail "random documents"; fi
call after-garbage 200 "j['count']==1" GET "/api/lookup?q=Hoang%20Xuan%20Chien"

# ---- a read-only server, an auto token, a refused bind ----
start ro --db "$work/ro.db" --read-only
U=$url_ro
TOK=$(curl -s "$U/" | sed -n 's/.*name="gla-token" content="\([0-9a-f]*\)".*/\1/p')
[ ${#TOK} -ge 32 ] && ok || fail "auto token not in the page ($TOK)"
call ro-config 200 "j['read_only'] is True and j['token_in_page'] is True" GET /api/config
call ro-write 403 "j['error']=='read_only'" POST /api/entries "${JSON[@]}" -H "Authorization: Bearer $TOK" --data-binary "$NEW"
call ro-lookup 200 "j['count']==1" GET "/api/lookup?q=Hoang%20Xuan%20Chien"
if "$bin" serve --bind 0.0.0.0 --port 0 --db "$work/ro.db" >/dev/null 2>"$work/bind.err"; then
  fail "non-loopback bind without a token was accepted"
elif grep -q -- '--token is required' "$work/bind.err"; then ok; else fail "bind message: $(cat "$work/bind.err")"; fi
"$bin" serve --port 99999 >/dev/null 2>&1; [ $? -eq 2 ] && ok || fail "bad port not a usage error"
# One polling thread per CPU the server may run on, not per CPU of the
# machine: under taskset to one CPU it starts one.
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  taskset -c 0 "$bin" serve --port 0 --db "$work/ro.db" --read-only >"$work/pin.out" 2>"$work/pin.err" &
  pin_pid=$!
  pids+=("$pin_pid")
  for _ in $(seq 1 100); do grep -q '^listening on ' "$work/pin.out" 2>/dev/null && break; sleep 0.05; done
  grep -q 'with 1 thread;' "$work/pin.err" && ok || fail "pinned server: $(cat "$work/pin.err")"
  "$bin" serve --port 0 --db "$work/ro.db" --read-only --threads 3 >"$work/t3.out" 2>"$work/t3.err" &
  t3_pid=$!
  pids+=("$t3_pid")
  for _ in $(seq 1 100); do grep -q '^listening on ' "$work/t3.out" 2>/dev/null && break; sleep 0.05; done
  grep -q 'with 3 threads;' "$work/t3.err" && ok || fail "--threads 3: $(cat "$work/t3.err")"
  kill -TERM "$pin_pid" "$t3_pid"
  wait "$pin_pid"; rc1=$?
  wait "$t3_pid"; rc2=$?
  [ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && ok || fail "pinned servers: exit $rc1 / $rc2"
fi

# ---- graceful stop ----
kill -TERM "$pid_main"
wait "$pid_main"; rc=$?
[ $rc -eq 0 ] && ok || fail "SIGTERM: exit $rc"
grep -q 'terminated' "$work/main.err" && ok || fail "no stop message"
kill -INT "$pid_ro"
wait "$pid_ro"; rc=$?
[ $rc -eq 0 ] && ok || fail "SIGINT: exit $rc"

echo "serve API: $passes passed, $fails failed"
[ $fails -eq 0 ]
