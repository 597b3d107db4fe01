package dev.selfheal.sanitize;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One planted case for every token type the public rule catalogues name: gitleaks (config/gitleaks.toml, one case
 * per rule id), secretlint (the rules of @secretlint/secretlint-rule-preset-recommend, one case per message id)
 * and the forms issue 10 lists. A template marks the secret with [[ ]] and draws its characters with {a32}-style
 * placeholders from a generator seeded by the kind, so every value is made here and none is a real credential.
 * Placeholders: a lower alnum, A mixed alnum, U upper alnum, L letters, h lower hex, d digits, W [A-Za-z0-9_-],
 * B base64, fh [a-h0-9], gh [a-h0-9], age bech32, uuid/UUID.
 */
public final class SecretCatalogue {

    /** A planted case; {@code secret} must not survive sanitizing {@code line} unless {@code expect} says so. */
    public record Case(String source, String kind, String secret, String line, Expect expect) {
    }

    /** MASK: a secret to mask; IDENTIFIER: a public id the catalogue lists (client ids), left by design; NONE: nothing to plant. */
    public enum Expect { MASK, IDENTIFIER, NONE }

    private static List<Case> cases;
    private static final List<Case> CASES = new ArrayList<>();

    private SecretCatalogue() {
    }

    public static synchronized List<Case> all() {
        if (cases == null) {
            load();
            cases = List.copyOf(CASES);
        }
        return cases;
    }

    private static void gitleaks(String kind, String template) {
        add("gitleaks", kind, template, Expect.MASK);
    }

    private static void secretlint(String kind, String template) {
        add("secretlint", kind, template, Expect.MASK);
    }

    private static void issue(String kind, String template) {
        add("issue-10", kind, template, Expect.MASK);
    }

    private static void identifier(String source, String kind, String template) {
        add(source, kind, template, Expect.IDENTIFIER);
    }

    private static void noContent(String source, String kind, String note) {
        CASES.add(new Case(source, kind, null, note, Expect.NONE));
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(uuid|UUID|age|fh|gh|[aAULhdWB])(\\d*)\\}");

    private static void add(String source, String kind, String template, Expect expect) {
        Random random = new Random(kind.hashCode() * 31L + source.hashCode());
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder filled = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(filled, Matcher.quoteReplacement(draw(random, m.group(1),
                    m.group(2).isEmpty() ? 0 : Integer.parseInt(m.group(2)))));
        }
        m.appendTail(filled);
        String text = filled.toString();
        int open = text.indexOf("[[");
        int close = text.indexOf("]]", open);
        String secret = text.substring(open + 2, close);
        String line = text.substring(0, open) + secret + text.substring(close + 2);
        CASES.add(new Case(source, kind, secret, line, expect));
    }

    private static String draw(Random random, String type, int n) {
        String alphabet = switch (type) {
            case "a" -> "abcdefghijklmnopqrstuvwxyz0123456789";
            case "A" -> "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
            case "U" -> "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
            case "L" -> "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
            case "h" -> "0123456789abcdef";
            case "d" -> "0123456789";
            case "W" -> "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
            case "B" -> "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            case "fh", "gh" -> "abcdefgh0123456789";
            case "age" -> "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L";
            default -> null;
        };
        if (alphabet == null) {
            String hex = draw(random, "h", 32);
            String uuid = hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-4" + hex.substring(13, 16) + "-a"
                    + hex.substring(17, 20) + "-" + hex.substring(20);
            return type.equals("UUID") ? uuid.toUpperCase() : uuid;
        }
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    private static void load() {
        // gitleaks config/gitleaks.toml: every rule id (semi-generic ones as the NAME=value their regex expects)
        gitleaks("1password-secret-key", "OP_SECRET_KEY: [[A3-{U6}-{U11}-{U5}-{U5}-{U5}]]");
        gitleaks("1password-service-account-token", "export OP_SERVICE_ACCOUNT_TOKEN=[[ops_eyJ{B260}]]");
        gitleaks("adafruit-api-key", "ADAFRUIT_API_KEY=[[{a32}]]");
        identifier("gitleaks", "adobe-client-id", "ADOBE_CLIENT_ID=[[{h32}]]");
        gitleaks("adobe-client-secret", "adobe secret [[p8e-{A32}]]");
        gitleaks("age-secret-key", "key: [[AGE-SECRET-KEY-1{age58}]]");
        gitleaks("airtable-api-key", "AIRTABLE_API_KEY=[[{a17}]]");
        gitleaks("airtable-personnal-access-token", "airtable pat [[pat{A14}.{h64}]]");
        gitleaks("algolia-api-key", "ALGOLIA_API_KEY=[[{a32}]]");
        gitleaks("alibaba-access-key-id", "ALIBABA_ACCESS_KEY_ID=[[LTAI{A20}]]");
        gitleaks("alibaba-secret-key", "ALIBABA_SECRET_KEY=[[{a30}]]");
        gitleaks("anthropic-admin-api-key", "ANTHROPIC_ADMIN_KEY=[[sk-ant-admin01-{W93}AA]]");
        gitleaks("anthropic-api-key", "x-api-key: [[sk-ant-api03-{W93}AA]]");
        gitleaks("artifactory-api-key", "artifactory key [[AKCp{A69}]]");
        gitleaks("artifactory-reference-token", "artifactory ref [[cmVmd{A59}]]");
        identifier("gitleaks", "asana-client-id", "ASANA_CLIENT_ID=[[{d16}]]");
        gitleaks("asana-client-secret", "ASANA_CLIENT_SECRET=[[{a32}]]");
        gitleaks("atlassian-api-token", "JIRA_API_TOKEN=[[ATATT3x{A180}]]");
        gitleaks("authress-service-client-access-key", "AUTHRESS_KEY=[[sc_{a12}.{a5}.acc_{a20}.{B60}]]");
        gitleaks("aws-access-token", "AWS_ACCESS_KEY_ID=[[AKIA{U16}]]");
        gitleaks("aws-amazon-bedrock-api-key-long-lived", "BEDROCK_KEY=[[ABSK{B120}]]");
        gitleaks("aws-amazon-bedrock-api-key-short-lived", "AWS_BEARER_TOKEN_BEDROCK=[[bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t{B80}]]");
        gitleaks("azure-ad-client-secret", "AZURE_CLIENT_SECRET=[[{A3}8Q~{W33}]]");
        gitleaks("beamer-api-token", "BEAMER_API_TOKEN=[[b_{a44}]]");
        identifier("gitleaks", "bitbucket-client-id", "BITBUCKET_CLIENT_ID=[[{a32}]]");
        gitleaks("bitbucket-client-secret", "BITBUCKET_CLIENT_SECRET=[[{a64}]]");
        gitleaks("bittrex-access-key", "BITTREX_ACCESS_KEY=[[{a32}]]");
        gitleaks("bittrex-secret-key", "BITTREX_SECRET_KEY=[[{a32}]]");
        gitleaks("cisco-meraki-api-key", "MERAKI_API_KEY=[[{h40}]]");
        gitleaks("clickhouse-cloud-api-secret-key", "clickhouse [[4b1d{A38}]]");
        gitleaks("clojars-api-token", "CLOJARS_TOKEN=[[CLOJARS_{a60}]]");
        gitleaks("cloudflare-api-key", "CLOUDFLARE_API_KEY=[[{a40}]]");
        gitleaks("cloudflare-global-api-key", "CLOUDFLARE_GLOBAL_API_KEY=[[{h37}]]");
        gitleaks("cloudflare-origin-ca-key", "CF_ORIGIN_CA_KEY=[[v1.0-{h24}-{h146}]]");
        gitleaks("codecov-access-token", "CODECOV_TOKEN=[[{a32}]]");
        gitleaks("cohere-api-token", "CO_API_KEY=[[{A40}]]");
        gitleaks("coinbase-access-token", "COINBASE_ACCESS_TOKEN=[[{a64}]]");
        gitleaks("confluent-access-token", "CONFLUENT_ACCESS_TOKEN=[[{a16}]]");
        gitleaks("confluent-secret-key", "CONFLUENT_SECRET_KEY=[[{a64}]]");
        gitleaks("contentful-delivery-api-token", "CONTENTFUL_DELIVERY_API_TOKEN=[[{a43}]]");
        gitleaks("curl-auth-header", "curl -H \"Authorization: Bearer [[{A32}]]\" https://api.example.com/v1");
        gitleaks("curl-auth-user", "curl -u deploy:[[{A20}]] https://repo.example.com/upload");
        gitleaks("databricks-api-token", "DATABRICKS_TOKEN=[[dapi{h32}]]");
        gitleaks("datadog-access-token", "DD_API_KEY=[[{h40}]]");
        gitleaks("defined-networking-api-token", "DNKEY=[[dnkey-{a26}-{a52}]]");
        gitleaks("digitalocean-access-token", "token [[doo_v1_{h64}]]");
        gitleaks("digitalocean-pat", "DIGITALOCEAN_ACCESS_TOKEN=[[dop_v1_{h64}]]");
        gitleaks("digitalocean-refresh-token", "refresh [[dor_v1_{h64}]]");
        gitleaks("discord-api-token", "DISCORD_API_TOKEN=[[{h64}]]");
        identifier("gitleaks", "discord-client-id", "DISCORD_CLIENT_ID=[[{d18}]]");
        gitleaks("discord-client-secret", "DISCORD_CLIENT_SECRET=[[{a32}]]");
        gitleaks("doppler-api-token", "DOPPLER_TOKEN=[[dp.pt.{A43}]]");
        gitleaks("droneci-access-token", "DRONECI_ACCESS_TOKEN=[[{a32}]]");
        gitleaks("dropbox-api-token", "DROPBOX_API_TOKEN=[[{a15}]]");
        gitleaks("dropbox-long-lived-api-token", "DROPBOX_TOKEN=[[{a11}AAAAAAAAAA{a43}]]");
        gitleaks("dropbox-short-lived-api-token", "DROPBOX_ACCESS_TOKEN=[[sl.{a135}]]");
        gitleaks("duffel-api-token", "DUFFEL_TOKEN=[[duffel_test_{A43}]]");
        gitleaks("dynatrace-api-token", "DT_API_TOKEN=[[dt0c01.{U24}.{A64}]]");
        gitleaks("easypost-api-token", "easypost [[EZAK{A54}]]");
        gitleaks("easypost-test-api-token", "easypost test [[EZTK{A54}]]");
        gitleaks("etsy-access-token", "ETSY_ACCESS_TOKEN=[[{a24}]]");
        gitleaks("facebook-access-token", "FACEBOOK_ACCESS_TOKEN=[[{d15}%{W32}]]");
        gitleaks("facebook-page-access-token", "page token [[EAAM{A120}]]");
        gitleaks("facebook-secret", "FACEBOOK_APP_SECRET=[[{h32}]]");
        gitleaks("fastly-api-token", "FASTLY_API_TOKEN=[[{a32}]]");
        gitleaks("finicity-api-token", "FINICITY_API_TOKEN=[[{h32}]]");
        gitleaks("finicity-client-secret", "FINICITY_CLIENT_SECRET=[[{a20}]]");
        gitleaks("finnhub-access-token", "FINNHUB_ACCESS_TOKEN=[[{a20}]]");
        gitleaks("flickr-access-token", "FLICKR_ACCESS_TOKEN=[[{a32}]]");
        gitleaks("flutterwave-encryption-key", "FLW_ENCRYPTION_KEY=[[FLWSECK_TEST-{fh12}]]");
        gitleaks("flutterwave-public-key", "FLW_PUBLIC_KEY=[[FLWPUBK_TEST-{fh32}-X]]");
        gitleaks("flutterwave-secret-key", "FLW_SECRET_KEY=[[FLWSECK_TEST-{fh32}-X]]");
        gitleaks("flyio-access-token", "FLY_API_TOKEN=[[fo1_{W43}]]");
        gitleaks("frameio-api-token", "FRAMEIO_TOKEN=[[fio-u-{W64}]]");
        gitleaks("freemius-secret-key", "'secret_key' => '[[sk_{A29}]]',");
        gitleaks("freshbooks-access-token", "FRESHBOOKS_ACCESS_TOKEN=[[{a64}]]");
        gitleaks("gcp-api-key", "GOOGLE_MAPS_KEY [[AIza{W35}]]");
        gitleaks("generic-api-key", "app.api.secret = [[{A32}]]");
        gitleaks("github-app-token", "app token [[ghs_{A36}]]");
        gitleaks("github-fine-grained-pat", "[[github_pat_{A22}_{A59}]]");
        gitleaks("github-oauth", "oauth [[gho_{A36}]]");
        gitleaks("github-pat", "pat [[ghp_{A36}]]");
        gitleaks("github-refresh-token", "refresh [[ghr_{A36}]]");
        gitleaks("gitlab-cicd-job-token", "CI_JOB_TOKEN=[[glcbt-{A3}_{W20}]]");
        gitleaks("gitlab-deploy-token", "deploy [[gldt-{W20}]]");
        gitleaks("gitlab-feature-flag-client-token", "unleash [[glffct-{W20}]]");
        gitleaks("gitlab-feed-token", "feed [[glft-{W20}]]");
        gitleaks("gitlab-incoming-mail-token", "mail [[glimt-{W25}]]");
        gitleaks("gitlab-kubernetes-agent-token", "agent [[glagent-{W50}]]");
        gitleaks("gitlab-oauth-app-secret", "oauth [[gloas-{W64}]]");
        gitleaks("gitlab-pat", "GITLAB_TOKEN=[[glpat-{W20}]]");
        gitleaks("gitlab-pat-routable", "routable [[glpat-{A27}.01{a7}]]");
        gitleaks("gitlab-ptt", "trigger [[glptt-{h40}]]");
        gitleaks("gitlab-rrt", "runner registration [[GR1348941{W20}]]");
        gitleaks("gitlab-runner-authentication-token", "runner [[glrt-{W20}]]");
        gitleaks("gitlab-runner-authentication-token-routable", "runner routable [[glrt-t1_{A27}.01{a7}]]");
        gitleaks("gitlab-scim-token", "scim [[glsoat-{W20}]]");
        gitleaks("gitlab-session-cookie", "Cookie: [[_gitlab_session={a32}]]");
        gitleaks("gitter-access-token", "GITTER_ACCESS_TOKEN=[[{a40}]]");
        gitleaks("gocardless-api-token", "GOCARDLESS_API_TOKEN=[[live_{A40}]]");
        gitleaks("grafana-api-key", "GRAFANA_KEY=[[eyJrIjoi{A80}]]");
        gitleaks("grafana-cloud-api-token", "GRAFANA_CLOUD=[[glc_{A40}]]");
        gitleaks("grafana-service-account-token", "GRAFANA_SA=[[glsa_{A32}_{h8}]]");
        gitleaks("harness-api-key", "HARNESS_KEY=[[pat.{W22}.{A24}.{A20}]]");
        gitleaks("hashicorp-tf-api-token", "TF_TOKEN=[[{a14}.atlasv1.{a64}]]");
        gitleaks("hashicorp-tf-password", "administrator_login_password = \"[[{a16}]]\"");
        gitleaks("heroku-api-key", "HEROKU_API_KEY=[[{uuid}]]");
        gitleaks("heroku-api-key-v2", "heroku [[HRKU-AA{W58}]]");
        gitleaks("hubspot-api-key", "HUBSPOT_API_KEY=[[{UUID}]]");
        gitleaks("huggingface-access-token", "HF_TOKEN=[[hf_{L34}]]");
        gitleaks("huggingface-organization-api-token", "HF_ORG=[[api_org_{L34}]]");
        gitleaks("infracost-api-token", "INFRACOST_API_KEY=[[ico-{A32}]]");
        gitleaks("intercom-api-key", "INTERCOM_API_KEY=[[{a60}]]");
        gitleaks("intra42-client-secret", "INTRA_SECRET=[[s-s4t2ud-{h64}]]");
        gitleaks("jfrog-api-key", "JFROG_API_KEY=[[{a73}]]");
        gitleaks("jfrog-identity-token", "JFROG_IDENTITY_TOKEN=[[{a64}]]");
        gitleaks("jwt", "id_token=[[eyJ{A20}.eyJ{A40}.{W43}]]");
        gitleaks("jwt-base64", "encoded jwt [[ZXlKaGJHY2lPaU{A60}]]");
        gitleaks("kraken-access-token", "KRAKEN_ACCESS_TOKEN=[[{a86}]]");
        gitleaks("kubernetes-secret-yaml", "kind: Secret\ndata:\n  password: [[{B24}]]");
        gitleaks("kucoin-access-token", "KUCOIN_ACCESS_TOKEN=[[{h24}]]");
        gitleaks("kucoin-secret-key", "KUCOIN_SECRET_KEY=[[{uuid}]]");
        gitleaks("launchdarkly-access-token", "LAUNCHDARKLY_ACCESS_TOKEN=[[{a40}]]");
        gitleaks("linear-api-key", "LINEAR=[[lin_api_{A40}]]");
        gitleaks("linear-client-secret", "LINEAR_CLIENT_SECRET=[[{h32}]]");
        identifier("gitleaks", "linkedin-client-id", "LINKEDIN_CLIENT_ID=[[{a14}]]");
        gitleaks("linkedin-client-secret", "LINKEDIN_CLIENT_SECRET=[[{a16}]]");
        gitleaks("lob-api-key", "LOB_API_KEY=[[live_{h35}]]");
        gitleaks("lob-pub-api-key", "LOB_PUB_API_KEY=[[test_pub_{h31}]]");
        identifier("gitleaks", "looker-client-id", "LOOKER_CLIENT_ID=[[{a20}]]");
        gitleaks("looker-client-secret", "LOOKER_CLIENT_SECRET=[[{a24}]]");
        gitleaks("mailchimp-api-key", "MAILCHIMP_API_KEY=[[{h32}-us12]]");
        gitleaks("mailgun-private-api-token", "MAILGUN_PRIVATE_KEY=[[key-{h32}]]");
        gitleaks("mailgun-pub-key", "MAILGUN_PUBLIC_KEY=[[pubkey-{h32}]]");
        gitleaks("mailgun-signing-key", "MAILGUN_SIGNING_KEY=[[{gh32}-{gh8}-{gh8}]]");
        gitleaks("mapbox-api-token", "MAPBOX_TOKEN=[[pk.{a60}.{a22}]]");
        gitleaks("mattermost-access-token", "MATTERMOST_ACCESS_TOKEN=[[{a26}]]");
        gitleaks("maxmind-license-key", "MAXMIND_LICENSE=[[{A6}_{A29}_mmk]]");
        gitleaks("messagebird-api-token", "MESSAGEBIRD_API_TOKEN=[[{a25}]]");
        identifier("gitleaks", "messagebird-client-id", "MESSAGEBIRD_CLIENT_ID=[[{uuid}]]");
        gitleaks("microsoft-teams-webhook", "POST [[https://contoso.webhook.office.com/webhookb2/{uuid}@{uuid}/IncomingWebhook/{a32}/{uuid}]]");
        gitleaks("netlify-access-token", "NETLIFY_AUTH_TOKEN=[[{a40}]]");
        gitleaks("new-relic-browser-api-token", "NEW_RELIC_BROWSER_KEY=[[NRJS-{h19}]]");
        gitleaks("new-relic-insert-key", "NEW_RELIC_INSERT_KEY=[[NRII-{a32}]]");
        identifier("gitleaks", "new-relic-user-api-id", "NEW_RELIC_USER_API_ID=[[{a64}]]");
        gitleaks("new-relic-user-api-key", "NEW_RELIC_API_KEY=[[NRAK-{U27}]]");
        gitleaks("notion-api-token", "NOTION_TOKEN=[[ntn_{d11}{A35}]]");
        gitleaks("npm-access-token", "//registry.npmjs.org/:_authToken=[[npm_{A36}]]");
        gitleaks("nuget-config-password", "<add key=\"ClearTextPassword\" value=\"[[{A16}]]\" />");
        gitleaks("nytimes-access-token", "NYTIMES_ACCESS_TOKEN=[[{a32}]]");
        gitleaks("octopus-deploy-api-key", "OCTOPUS_API_KEY=[[API-{U26}]]");
        gitleaks("okta-access-token", "OKTA_ACCESS_TOKEN=[[00{W40}]]");
        gitleaks("openai-api-key", "OPENAI_API_KEY=[[sk-proj-{W74}T3BlbkFJ{W74}]]");
        gitleaks("openshift-user-token", "oc login --token=[[sha256~{W43}]]");
        gitleaks("perplexity-api-key", "PPLX=[[pplx-{A48}]]");
        noContent("gitleaks", "pkcs12-file", "(file name rule: *.p12 / *.pfx, no content to plant)");
        gitleaks("plaid-api-token", "PLAID_ACCESS_TOKEN=[[access-sandbox-{uuid}]]");
        identifier("gitleaks", "plaid-client-id", "PLAID_CLIENT_ID=[[{a24}]]");
        gitleaks("plaid-secret-key", "PLAID_SECRET_KEY=[[{a30}]]");
        gitleaks("planetscale-api-token", "PSCALE=[[pscale_tkn_{W43}]]");
        gitleaks("planetscale-oauth-token", "PSCALE_OAUTH=[[pscale_oauth_{W43}]]");
        gitleaks("planetscale-password", "PSCALE_PW=[[pscale_pw_{W43}]]");
        gitleaks("postman-api-token", "POSTMAN=[[PMAK-{h24}-{h34}]]");
        gitleaks("prefect-api-token", "PREFECT=[[pnu_{A36}]]");
        gitleaks("private-key", "-----BEGIN PRIVATE KEY-----\n[[{B64}]]\n{B64}\n-----END PRIVATE KEY-----");
        gitleaks("privateai-api-token", "PRIVATEAI_API_KEY=[[{a32}]]");
        gitleaks("pulumi-api-token", "PULUMI_ACCESS_TOKEN=[[pul-{h40}]]");
        gitleaks("pypi-upload-token", "TWINE_PASSWORD=[[pypi-AgEIcHlwaS5vcmc{W80}]]");
        gitleaks("rapidapi-access-token", "RAPIDAPI_ACCESS_TOKEN=[[{a50}]]");
        gitleaks("readme-api-token", "README=[[rdme_{a70}]]");
        gitleaks("rubygems-api-token", "GEM_HOST_API_KEY=[[rubygems_{h48}]]");
        gitleaks("scalingo-api-token", "SCALINGO=[[tk-us-{W48}]]");
        identifier("gitleaks", "sendbird-access-id", "SENDBIRD_ACCESS_ID=[[{uuid}]]");
        gitleaks("sendbird-access-token", "SENDBIRD_ACCESS_TOKEN=[[{h40}]]");
        gitleaks("sendgrid-api-token", "SENDGRID=[[SG.{W22}.{W43}]]");
        gitleaks("sendinblue-api-token", "BREVO=[[xkeysib-{h64}-{A16}]]");
        gitleaks("sentry-access-token", "SENTRY_ACCESS_TOKEN=[[{h64}]]");
        gitleaks("sentry-org-token", "SENTRY_AUTH=[[sntrys_eyJpYXQiO{A40}LCJyZWdpb25fdXJs{A40}_{A43}]]");
        gitleaks("sentry-user-token", "SENTRY_USER=[[sntryu_{h64}]]");
        gitleaks("settlemint-application-access-token", "SM_AAT=[[sm_aat_{A16}]]");
        gitleaks("settlemint-personal-access-token", "SM_PAT=[[sm_pat_{A16}]]");
        gitleaks("settlemint-service-access-token", "SM_SAT=[[sm_sat_{A16}]]");
        gitleaks("shippo-api-token", "SHIPPO=[[shippo_live_{h40}]]");
        gitleaks("shopify-access-token", "SHOPIFY=[[shpat_{h32}]]");
        gitleaks("shopify-custom-access-token", "SHOPIFY_CUSTOM=[[shpca_{h32}]]");
        gitleaks("shopify-private-app-access-token", "SHOPIFY_PRIVATE=[[shppa_{h32}]]");
        gitleaks("shopify-shared-secret", "SHOPIFY_SHARED=[[shpss_{h32}]]");
        gitleaks("sidekiq-secret", "BUNDLE_ENTERPRISE__CONTRIBSYS__COM=[[{h8}:{h8}]]");
        gitleaks("sidekiq-sensitive-url", "source \"https://[[{h8}:{h8}]]@enterprise.contribsys.com/\"");
        gitleaks("slack-app-token", "SLACK_APP_TOKEN=[[xapp-1-A{U10}-{d13}-{h64}]]");
        gitleaks("slack-bot-token", "SLACK_BOT=[[xoxb-{d12}-{d13}-{A24}]]");
        gitleaks("slack-config-access-token", "config [[xoxe.xoxp-1-{U164}]]");
        gitleaks("slack-config-refresh-token", "config refresh [[xoxe-1-{U146}]]");
        gitleaks("slack-legacy-bot-token", "legacy [[xoxb-{d10}-{A24}]]");
        gitleaks("slack-legacy-token", "legacy [[xoxs-{d10}-{d10}-{d10}-{h20}]]");
        gitleaks("slack-legacy-workspace-token", "workspace [[xoxa-2-{A30}]]");
        gitleaks("slack-user-token", "user [[xoxp-{d12}-{d12}-{d12}-{A32}]]");
        gitleaks("slack-webhook-url", "[[https://hooks.slack.com/services/T{U8}/B{U8}/{A24}]]");
        gitleaks("snyk-api-token", "SNYK_TOKEN=[[{uuid}]]");
        gitleaks("sonar-api-token", "SONAR_TOKEN=[[squ_{h40}]]");
        gitleaks("sourcegraph-access-token", "SRC_ACCESS_TOKEN=[[sgp_{h16}_{h40}]]");
        gitleaks("square-access-token", "SQUARE=[[EAAA{W60}]]");
        gitleaks("squarespace-access-token", "SQUARESPACE_ACCESS_TOKEN=[[{uuid}]]");
        gitleaks("stripe-access-token", "STRIPE=[[sk_live_{A32}]]");
        identifier("gitleaks", "sumologic-access-id", "SUMO_ACCESS_ID=[[su{A12}]]");
        gitleaks("sumologic-access-token", "SUMO_ACCESS_KEY=[[{a64}]]");
        gitleaks("telegram-bot-api-token", "TELEGRAM_BOT_TOKEN=[[{d10}:AA{W33}]]");
        gitleaks("travisci-access-token", "TRAVIS_ACCESS_TOKEN=[[{a22}]]");
        gitleaks("twilio-api-key", "TWILIO=[[SK{h32}]]");
        gitleaks("twitch-api-token", "TWITCH_API_TOKEN=[[{a30}]]");
        gitleaks("twitter-access-secret", "TWITTER_ACCESS_SECRET=[[{a45}]]");
        gitleaks("twitter-access-token", "TWITTER_ACCESS_TOKEN=[[{d18}-{A30}]]");
        gitleaks("twitter-api-key", "TWITTER_API_KEY=[[{a25}]]");
        gitleaks("twitter-api-secret", "TWITTER_API_SECRET=[[{a50}]]");
        gitleaks("twitter-bearer-token", "TWITTER_BEARER=[[AAAAAAAAAAAAAAAAAAAAAA{A90}]]");
        gitleaks("typeform-api-token", "TYPEFORM=[[tfp_{W59}]]");
        gitleaks("vault-batch-token", "VAULT_BATCH=[[hvb.{W140}]]");
        gitleaks("vault-service-token", "VAULT_TOKEN=[[hvs.{W100}]]");
        gitleaks("yandex-access-token", "YANDEX_ACCESS_TOKEN=[[t1.{W20}.{W86}]]");
        gitleaks("yandex-api-key", "YANDEX_API_KEY=[[AQVN{W36}]]");
        gitleaks("yandex-aws-access-token", "YANDEX_AWS_KEY=[[YC{W38}]]");
        gitleaks("zendesk-secret-key", "ZENDESK_SECRET_KEY=[[{a40}]]");
        // secretlint preset-recommend: one case per message id (packages/@secretlint/secretlint-rule-*/src/index.ts)
        secretlint("aws/AWSAccessKeyID", "aws_access_key_id: [[AKIA{U16}]]");
        secretlint("aws/AWSSecretAccessKey", "AWS_SECRET_ACCESS_KEY=[[{B40}]]");
        identifier("secretlint", "aws/AWSAccountID", "AWS_ACCOUNT_ID=[[{d12}]]");
        secretlint("gcp/PrivateKeyJSON", "{\"type\": \"service_account\", \"project_id\": \"demo\", \"private_key_id\": \"{h40}\", \"private_key\": \"[[-----BEGIN PRIVATE KEY-----\\\\n{B64}\\\\n-----END PRIVATE KEY-----\\\\n]]\", \"client_email\": \"ci@demo.iam.gserviceaccount.com\"}");
        noContent("secretlint", "gcp/PrivateKeyP12", "(a binary .p12 file, no text to plant)");
        secretlint("npm/PackageJSON_xOauthToken", "\"repository\": \"https://[[{h40}]]:x-oauth-basic@github.com/o/r.git\"");
        secretlint("npm/Npmrc_authToken", "//registry.npmjs.org/:_authToken=[[{uuid}]]");
        secretlint("npm/NPM_ACCESS_TOKEN", "npm token [[npm_{A36}]]");
        secretlint("slack/SLACK_TOKEN", "token [[xoxb-{d12}-{d13}-{A24}]]");
        secretlint("slack/IncomingWebhook", "[[https://hooks.slack.com/services/T{U8}/B{U8}/{A24}]]");
        secretlint("basicauth/BasicAuth", "git remote add origin https://deploy:[[{A16}]]@git.example.com/o/r.git");
        secretlint("openai/OPENAI_TOKEN", "OPENAI_API_KEY=[[sk-{A20}T3BlbkFJ{A20}]]");
        secretlint("anthropic/ANTHROPIC_API_KEY", "key [[sk-ant-api03-{W95}AA]]");
        secretlint("groq/GROQ_API_KEY", "GROQ=[[gsk_{A52}]]");
        secretlint("huggingface/HUGGINGFACE_USER_ACCESS_TOKEN", "hf [[hf_{L34}]]");
        secretlint("linear/LINEAR_API_TOKEN", "linear [[lin_api_{A40}]]");
        secretlint("notion/NOTION_INTEGRATION_TOKEN", "notion [[ntn_{d11}{A35}]]");
        secretlint("sendgrid/SENDGRID_KEY", "sendgrid [[SG.{A22}.{A43}]]");
        secretlint("shopify/SHOPIFY_KEY", "shopify [[shpat_{A32}]]");
        secretlint("stripe/STRIPE_SECRET_KEY_LIVE", "stripe [[sk_live_{A32}]]");
        secretlint("stripe/STRIPE_SECRET_KEY_TEST", "stripe [[sk_test_{A32}]]");
        secretlint("stripe/STRIPE_RESTRICTED_KEY_LIVE", "stripe [[rk_live_{A32}]]");
        secretlint("stripe/STRIPE_RESTRICTED_KEY_TEST", "stripe [[rk_test_{A32}]]");
        secretlint("github/GITHUB_TOKEN", "token [[ghp_{A36}]]");
        secretlint("gitlab/GITLAB_PERSONAL_ACCESS_TOKEN", "gitlab [[glpat-{W26}]]");
        secretlint("grafana/GRAFANA_CLOUD_API_TOKEN", "grafana [[glc_{A48}]]");
        secretlint("grafana/GRAFANA_SERVICE_ACCOUNT_TOKEN", "grafana [[glsa_{A32}_{h8}]]");
        secretlint("1password/OPS_TOKEN", "op [[ops_eyJ{B200}fQ==]]");
        secretlint("database-connection-string/MongoDBConnection", "MONGO_URL=mongodb+srv://app:[[{A16}]]@cluster0.example.net/db");
        secretlint("database-connection-string/MySQLConnection", "jdbc:mysql://app:[[{A16}]]@mysql.internal:3306/db");
        secretlint("database-connection-string/PostgreSQLConnection", "postgres://app:[[{A16}]]@pg.internal:5432/db");
        secretlint("hashicorp-vault/HASHICORP_VAULT_SERVICE_TOKEN", "vault [[hvs.{W100}]]");
        secretlint("hashicorp-vault/HASHICORP_VAULT_BATCH_TOKEN", "vault [[hvb.{W140}]]");
        secretlint("hashicorp-vault/HASHICORP_VAULT_RECOVERY_TOKEN", "vault [[hvr.{W100}]]");
        secretlint("vercel/VERCEL_PERSONAL_ACCESS_TOKEN", "vercel [[vcp_{A40}]]");
        secretlint("vercel/VERCEL_INTEGRATION_TOKEN", "vercel [[vci_{A40}]]");
        secretlint("vercel/VERCEL_APP_ACCESS_TOKEN", "vercel [[vca_{A40}]]");
        secretlint("vercel/VERCEL_APP_REFRESH_TOKEN", "vercel [[vcr_{A40}]]");
        secretlint("vercel/VERCEL_AI_GATEWAY_API_KEY", "vercel [[vck_{A40}]]");
        secretlint("databricks/DATABRICKS_PERSONAL_ACCESS_TOKEN", "databricks [[dapi{h32}]]");
        secretlint("docker/DOCKER_PERSONAL_ACCESS_TOKEN", "docker login -u ci -p [[dckr_pat_{W27}]]");
        secretlint("figma/FIGMA_PERSONAL_ACCESS_TOKEN", "figma [[figd_{W43}]]");
        secretlint("cloudflare/CLOUDFLARE_GLOBAL_API_KEY", "cloudflare [[cfk_{A40}{h8}]]");
        secretlint("cloudflare/CLOUDFLARE_USER_API_TOKEN", "cloudflare [[cfut_{A40}{h8}]]");
        secretlint("cloudflare/CLOUDFLARE_ACCOUNT_API_TOKEN", "cloudflare [[cfat_{A40}{h8}]]");
        secretlint("tailscale/TAILSCALE_API_KEY", "ts [[tskey-api-{A12}-{A32}]]");
        secretlint("tailscale/TAILSCALE_AUTH_KEY", "ts [[tskey-auth-{A12}-{A32}]]");
        secretlint("tailscale/TAILSCALE_CLIENT_KEY", "ts [[tskey-client-{A12}-{A32}]]");
        secretlint("tailscale/TAILSCALE_SCIM_KEY", "ts [[tskey-scim-{A12}-{A32}]]");
        secretlint("tailscale/TAILSCALE_WEBHOOK_KEY", "ts [[tskey-webhook-{A12}-{A32}]]");
        secretlint("tailscale/TAILSCALE_KEY", "ts [[tskey-other-{A12}-{A32}]]");
        secretlint("privatekey/PrivateKey", "-----BEGIN OPENSSH PRIVATE KEY-----\n[[{B64}]]\n{B64}\n-----END OPENSSH PRIVATE KEY-----");

        // issue 10: assignment forms whose name says credential, and the cloud/vendor families it lists
        issue("aws-key-id-digit-outside-base32", "AWS_ACCESS_KEY_ID=[[AKIA{U8}0189{U4}]]");
        issue("env/KEY_ID", "export DEPLOY_KEY_ID=[[{A24}]]");
        issue("shell/PRIVATE_KEY", "PRIVATE_KEY=\"[[{B48}]]\" ./deploy.sh");
        issue("yaml/client_secret", "  client_secret: [[{A24}]]");
        issue("yaml/CREDENTIALS", "  SERVICE_CREDENTIALS: '[[{A32}]]'");
        issue("json/password", "{\"user\": \"ci\", \"password\": \"[[{A14}]]\"}");
        issue("json-escaped/token", "{\"body\": \"{\\\"token\\\": \\\"[[{A30}]]\\\"}\"}");
        issue("properties/passwd", "spring.mail.passwd=[[{A12}]]");
        issue("properties/AUTH", "registry.auth = [[{A28}]]");
        issue("cli/--password", "mysql --user root --password [[{A16}]] -h db");
        issue("cli/--client-secret", "az login --service-principal --client-secret [[{A34}]] --tenant t");
        issue("cli/--token=", "gh auth login --token=[[{A40}]]");
        issue("env/ACCESS_KEY", "MINIO_ACCESS_KEY=[[{A20}]]");
        issue("env/SECRET", "JWT_SECRET=[[{A32}]]");
        issue("npmrc/_auth", "_auth=[[{B32}]]");
        issue("nested/json-label-in-value", "{\"token\": \"aws_secret_access_key = [[{B40}]]\"}");
        issue("jdbc/quoted", "{\"url\": \"jdbc:postgresql://db:5432/app?user=app&password=[[{A14}]]\"}");
        issue("google-api-key", "maps key=[[AIza{W35}]]");
        issue("azure/storage-connection-string", "AZURE_STORAGE_CONNECTION_STRING=DefaultEndpointsProtocol=https;AccountName=ciartifacts;AccountKey=[[{B86}==]];EndpointSuffix=core.windows.net");
        issue("azure/service-bus-connection-string", "Endpoint=sb://ci.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=[[{B43}=]]");
        issue("azure/sas-url", "https://ci.blob.core.windows.net/logs?sv=2022-11-02&ss=b&sp=r&sig=[[{B40}%3D]]");
        issue("gcp/service-account-private-key-truncated", "\"private_key\": \"[[-----BEGIN PRIVATE KEY-----\\\\nMIIE{B60}]]\"");
        issue("nuget/api-key", "dotnet nuget push pkg.nupkg --api-key [[oy2{a43}]]");
        issue("rubygems/api-key", "GEM_HOST_API_KEY: [[rubygems_{h48}]]");
        issue("pypi/token", "twine upload -p [[pypi-AgEIcHlwaS5vcmc{W70}]]");
        issue("stripe/webhook-secret", "STRIPE_WEBHOOK=[[whsec_{A32}]]");
        issue("twilio/auth-token", "TWILIO_AUTH_TOKEN=[[{h32}]]");
        issue("mailgun/legacy-key", "mailgun [[key-{h32}]]");
        issue("datadog/app-key", "DD_APP_KEY: [[{h40}]]");
        issue("heroku/api-key", "HEROKU_API_KEY=[[{uuid}]]");
        issue("digitalocean/pat", "doctl auth init -t [[dop_v1_{h64}]]");
        issue("vault/service-token", "VAULT_TOKEN=[[hvs.{W96}]]");
        issue("docker/oat", "echo [[dckr_oat_{W32}]] | docker login --password-stdin");
        issue("slack/config-token", "[[xoxe.xoxb-1-{U165}]]");
        issue("slack/app-token", "[[xapp-1-A{U10}-{d13}-{h64}]]");
        issue("discord/bot-token", "Authorization: Bot [[{A24}.{W6}.{W38}]]");
        issue("discord/webhook-url", "https://discord.com/api/webhooks/{d18}/[[{W68}]]");
        issue("telegram/bot-token", "curl https://api.telegram.org/bot[[{d10}:AA{W33}]]/sendMessage");
        issue("openai/project-key", "[[sk-proj-{W74}T3BlbkFJ{W74}]]");
        issue("anthropic/api-key", "ANTHROPIC_API_KEY=[[sk-ant-api03-{W93}AA]]");
        issue("supabase/secret-key", "SUPABASE_SECRET=[[sb_secret_{W32}]]");
    }
}
