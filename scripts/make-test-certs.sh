#!/usr/bin/env bash
# Makes the private certificate authority and the server certificate that the network tests use
# (__tests__/e2e-network.test.ts): a CA no runner trusts, and a certificate it signed for
# localhost, 127.0.0.1 and *.platform.test (the names the tests' CONNECT proxy resolves).
# Valid for 100 years; run again only to change the names.
set -euo pipefail
dir="$(dirname "$0")/../__tests__/fixtures/tls"
mkdir -p "$dir" && cd "$dir"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 36500 \
  -subj "/CN=Trigger Test Run test CA" -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=localhost" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1,DNS:*.platform.test\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 36500 -extfile server.ext 2>/dev/null
rm -f server.csr server.ext ca.srl ca.key
echo "wrote $(pwd)/{ca.pem,server.pem,server.key}"
