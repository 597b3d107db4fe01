package dev.selfheal.bench;

import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Random;

/**
 * Ordinary CI log lines as npm, Maven, Gradle, pytest and Docker print them (GitHub's timestamp prefix), with
 * the everyday words that look like secrets to a naive scanner: tokens, secrets: inherit, password fields,
 * sha256 digests, UUIDs, URLs. Deterministic for a seed. Optionally plants secrets at a fixed interval.
 */
public final class CiLogCorpus {

    public static final List<String> BENIGN = List.of(
            "npm WARN deprecated inflight@1.0.6: This module is not supported, and leaks memory.",
            "npm notice New minor version of npm available! 10.2.4 -> 10.8.1",
            "added 1432 packages, and audited 1433 packages in 41s",
            "npm ERR! code E401 npm ERR! Unable to authenticate, your authentication token seems to be invalid.",
            "> tsc -p tsconfig.build.json && node scripts/copy-assets.js",
            "[INFO] --- maven-surefire-plugin:3.2.5:test (default-test) @ selfheal ---",
            "[INFO] Tests run: 214, Failures: 0, Errors: 0, Skipped: 3, Time elapsed: 41.7 s",
            "[INFO] Downloaded from central: https://repo.maven.apache.org/maven2/org/apache/camel/camel-core/4.14.0/camel-core-4.14.0.jar (412 kB at 3.1 MB/s)",
            "[WARNING] Parameter 'password' is deprecated: use 'passwordFile' instead",
            "[INFO] BUILD SUCCESS",
            "> Task :app:compileJava UP-TO-DATE",
            "> Task :app:test",
            "BUILD SUCCESSFUL in 1m 12s",
            "Gradle user home: /home/runner/.gradle; token cache enabled",
            "tests/test_auth.py::test_token_refresh PASSED                                  [ 42%]",
            "tests/test_auth.py::test_password_reset_email FAILED                           [ 43%]",
            "E       AssertionError: assert 'invalid_token' == 'expired_token'",
            "========================= 118 passed, 2 skipped in 12.31s =========================",
            "#7 [build 3/7] RUN pip install --no-cache-dir -r requirements.txt",
            "#9 writing image sha256:4f1c2a9be0d8f83e6a1d7e9c2b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a done",
            "#12 pushing layers 0.8s done, digest: sha256:9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b",
            "Run actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11",
            "  token: ***",
            "  secrets: inherit",
            "  ssh-strict: true",
            "  persist-credentials: true",
            "Syncing repository: octo-org/octo-repo",
            "[command]/usr/bin/git config --local http.https://github.com/.extraheader AUTHORIZATION: basic ***",
            "env:\n  GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}",
            "Downloading https://registry.npmjs.org/@types/node/-/node-20.11.5.tgz",
            "Cache restored from key: Linux-gradle-5e8f2b1a7c9d4e3f6a0b1c2d3e4f5a6b",
            "request id 7f3e9c1a-2b4d-4e6f-8a0c-1d3e5f7a9b2c completed in 231 ms",
            "password_policy: min_length=12 require_symbols=true",
            "Using secret manager provider=vault path=secret/data/ci",
            "Creating network \"ci_default\" with the default driver",
            "Step 5/12 : COPY --chown=app:app . /app",
            "Successfully tagged ghcr.io/octo-org/octo-repo:3f2a1b9",
            "Post job cleanup.",
            "##[group]Run ./mvnw -B verify",
            "##[endgroup]");

    private CiLogCorpus() {
    }

    /** Writes about {@code bytes} characters of benign log lines (plus, every {@code plantEvery} lines, one of
     * {@code planted}); returns the number of lines written. */
    public static long write(Writer out, long bytes, long seed, List<String> planted, int plantEvery)
            throws IOException {
        Random random = new Random(seed);
        long written = 0;
        long lines = 0;
        long second = 0;
        while (written < bytes) {
            String line;
            if (planted != null && !planted.isEmpty() && plantEvery > 0 && lines % plantEvery == plantEvery - 1) {
                line = planted.get((int) ((lines / plantEvery) % planted.size()));
            } else {
                line = BENIGN.get(random.nextInt(BENIGN.size()));
            }
            String stamped = "2025-11-14T0" + (second / 36000 % 10) + ":" + String.format("%02d:%02d", second / 60 % 60,
                    second % 60) + ".1234567Z " + line + "\n";
            second++;
            out.write(stamped);
            written += stamped.length();
            lines++;
        }
        return lines;
    }
}
