package dev.selfheal.sanitize;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Planted secrets, one (or more) per rule of config/phase4-mask-rules.json and per encoding of an own secret:
 * the value that must disappear -> the line it is planted in. All fake.
 */
public final class PlantedSecrets {

    private PlantedSecrets() {
    }

    public static final String JWT_PLAIN = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
    // payload {"iss":"supabase","ref":"abcdefghijklmnop","role":"service_role","iat":1700000000}
    public static final String SUPABASE_SERVICE_ROLE = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
            + Base64.getUrlEncoder().withoutPadding().encodeToString(
                    "{\"iss\":\"supabase\",\"ref\":\"abcdefghijklmnop\",\"role\":\"service_role\",\"iat\":1700000000}"
                            .getBytes(StandardCharsets.UTF_8))
            + ".Xq3v9kP0s1LmN2oQ7rT4uV5wY6zA8bC0dE1fG2hI3jK";

    /** secret value -> line containing it. */
    public static Map<String, String> byRule() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("ghp_1a2B3c4D5e6F7g8H9i0JkLmNoPqRsTuVwXyZ12", "git clone https://x-access-token:ghp_1a2B3c4D5e6F7g8H9i0JkLmNoPqRsTuVwXyZ12@github.com/o/r");
        m.put("gho_ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210ab", "oauth=gho_ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210ab");
        m.put("ghu_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789", "user token ghu_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789 used");
        m.put("ghs_0123456789AbCdEfGhIjKlMnOpQrStUvWxYz", "GITHUB_TOKEN ghs_0123456789AbCdEfGhIjKlMnOpQrStUvWxYz");
        m.put("ghr_9876543210ZyXwVuTsRqPoNmLkJiHgFeDcBa", "refresh ghr_9876543210ZyXwVuTsRqPoNmLkJiHgFeDcBa");
        m.put("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
                "export GH_PAT=github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
        m.put("xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "slack bot xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx");
        m.put("xoxp-1234567890-1234567890-1234567890123-0123456789abcdef0123456789abcdef", "SLACK=xoxp-1234567890-1234567890-1234567890123-0123456789abcdef0123456789abcdef");
        m.put("xoxe-1-My0xLTEyMzQ1Njc4OTAtMTIzNDU2Nzg5MA", "refresh xoxe-1-My0xLTEyMzQ1Njc4OTAtMTIzNDU2Nzg5MA");
        m.put("xapp-1-A0123456789-1234567890123-abcdef0123456789abcdef0123456789", "app xapp-1-A0123456789-1234567890123-abcdef0123456789abcdef0123456789");
        m.put("https://hooks.slack.com/services/T01234567/B01234567/AbCdEfGhIjKlMnOpQrStUvWx", "curl -X POST https://hooks.slack.com/services/T01234567/B01234567/AbCdEfGhIjKlMnOpQrStUvWx -d {}");
        m.put("AKIAQYLPMN5HHHFPZAM2", "aws_access_key_id = AKIAQYLPMN5HHHFPZAM2");
        m.put("MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun", "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\nVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n-----END RSA PRIVATE KEY-----");
        m.put(JWT_PLAIN, "id_token: " + JWT_PLAIN);
        m.put(SUPABASE_SERVICE_ROLE, "SUPABASE_KEY " + SUPABASE_SERVICE_ROLE);
        m.put("sbp_0123456789abcdef0123456789abcdef01234567", "supabase login --token sbp_0123456789abcdef0123456789abcdef01234567");
        m.put("Sup3rS3cretPgPw", "DATABASE_URL=postgresql://app:Sup3rS3cretPgPw@db.internal:5432/app");
        m.put("JdbcPw9x7Kq2", "jdbc:postgresql://db:5432/app?user=app&password=JdbcPw9x7Kq2&ssl=true");
        m.put("MySqlPw8z4Lm", "mysql://root:MySqlPw8z4Lm@mysql.internal:3306/db");
        m.put("dXNlcjpwYXNzd29yZDEyMzQ1", "Authorization: Basic dXNlcjpwYXNzd29yZDEyMzQ1");
        m.put("a8F3kL9qZ2xW7vB4nM6cR1tY", "curl -H 'Bearer a8F3kL9qZ2xW7vB4nM6cR1tY' https://api.example.com");
        m.put("q7Zp3Xw9Lk2Vm8Nb4Rt6", "DB_PASSWORD=q7Zp3Xw9Lk2Vm8Nb4Rt6");
        m.put("Kd93jf8Ls02mZq7W", "client_secret: \"Kd93jf8Ls02mZq7W\"");
        m.put("tK4m9Qz2Lp8Xv6Rn", "api_key=tK4m9Qz2Lp8Xv6Rn");
        return m;
    }

    /** Every own secret of {@link ConfiguredSanitizer} in every encoding, and split over lines. */
    public static Map<String, String> ownSecretVariants() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String s : new String[] {ConfiguredSanitizer.GITHUB_TOKEN, ConfiguredSanitizer.WEBHOOK_SECRET,
                ConfiguredSanitizer.SLACK_URL, ConfiguredSanitizer.DB_PASSWORD}) {
            String b64 = Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
            String url = URLEncoder.encode(s, StandardCharsets.UTF_8);
            String json = s.replace("/", "\\/");
            m.put(s, "echo " + s);
            m.put(b64, "encoded=" + b64 + " end");
            m.put(url, "callback?u=" + url + "&x=1");
            m.put(json, "{\"v\":\"" + json + "\"}");
            int half = s.length() / 3;
            m.put(s.substring(0, half) + "\n" + s.substring(half),
                    "value: " + s.substring(0, half) + "\n2025-11-14T01:02:03.1234567Z " + s.substring(half) + " done");
        }
        return m;
    }
}
