package org.meridian.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meridian.app.MeridianServer;
import org.meridian.identity.OidcSettings;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/**
 * Tokens of an external OpenID Connect provider: the test is the provider, with keys it generates and serves over HTTP
 * as a JWK set (as Keycloak or any OIDC server does at its {@code jwks_uri}); the server verifies them with its real
 * validator, maps their claims to roles, and refuses every kind of bad token.
 */
@Tag("security")
class ExternalIdentityTest {
    private static final String ISSUER = "https://idp.city.test/realms/city";
    private static final String AIR = "{\"id\": \"urn:ngsi-ld:AirQualityObserved:oidc-%s\", \"type\": \"AirQualityObserved\","
            + " \"NO2\": {\"type\": \"Property\", \"value\": 31}}";

    @Test
    void tokensOfTheProviderAreVerifiedWithItsPublishedKeysAndMappedToRoles(@TempDir Path data) throws Exception {
        RSAKey first = new RSAKeyGenerator(2048).keyID("first").generate();
        RSAKey other = new RSAKeyGenerator(2048).keyID("first").generate();
        ECKey rotated = new ECKeyGenerator(Curve.P_256).keyID("rotated").generate();
        AtomicReference<String> published = new AtomicReference<>(new JWKSet(first.toPublicJWK()).toString());
        AtomicInteger fetches = new AtomicInteger();
        HttpServer provider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        provider.createContext("/realms/city/protocol/openid-connect/certs", exchange -> {
            fetches.incrementAndGet();
            byte[] body = published.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        provider.start();
        String jwks = "http://127.0.0.1:" + provider.getAddress().getPort() + "/realms/city/protocol/openid-connect/certs";
        try (MeridianServer server = TestServer.startOwn(data, Map.of(OidcSettings.ISSUER, ISSUER,
                OidcSettings.AUDIENCE, "meridian", OidcSettings.JWKS, jwks, OidcSettings.ROLES_CLAIM, "realm_access.roles",
                OidcSettings.ROLE_MAP, "env-staff=staff, city-ops=operator, traffic=staff@transport, traffic=auditor"))) {
            TestServer.demoDirectory(server);
            Api api = TestServer.client(server);

            // An ecology officer of the provider: staff in the department its claim names.
            String officer = rsa(first, claims("officer-1", "li.wei", List.of("env-staff", "not-a-meridian-role"), "ecology"));
            Api.Response me = bearer(api, "/auth/me", officer);
            assertThat(me.status()).as(me.toString()).isEqualTo(200);
            assertThat(me.json().path("subject").asText()).isEqualTo("oidc:officer-1");
            assertThat(me.json().path("user").asText()).isEqualTo("li.wei");
            assertThat(me.json().path("roles").toString()).isEqualTo("[\"staff\"]");
            assertThat(me.json().path("departments").toString()).isEqualTo("[\"ecology\"]");
            assertThat(api.anonymous().post("/ngsi-ld/v1/entities", AIR.formatted("1")).header("Authorization", "Bearer " + officer)
                    .send().status()).isEqualTo(201);
            Api.Response foreign = api.anonymous().post("/ngsi-ld/v1/entities",
                            "{\"id\": \"urn:ngsi-ld:TrafficFlowObserved:oidc-1\", \"type\": \"TrafficFlowObserved\"}")
                    .header("Authorization", "Bearer " + officer).send();
            assertThat(foreign.status()).as("another department's type").isEqualTo(403);
            assertThat(bearer(api, "/admin/v1/users", officer).status()).isEqualTo(403);

            // A role with its department in the map, and a value mapped to two roles.
            String traffic = rsa(first, claims("officer-2", "zhang.min", List.of("traffic"), null));
            Api.Response trafficMe = bearer(api, "/auth/me", traffic);
            assertThat(trafficMe.json().path("roles").toString()).contains("staff", "auditor");
            assertThat(trafficMe.json().path("departments").toString()).isEqualTo("[\"transport\"]");

            // A department role with no department claim grants nothing; an operator of the provider administers.
            String unplaced = rsa(first, claims("officer-3", "wang.fang", List.of("env-staff"), null));
            assertThat(bearer(api, "/auth/me", unplaced).json().path("roles").size()).isZero();
            assertThat(bearer(api, "/ngsi-ld/v1/entities?type=AirQualityObserved", unplaced).status()).isEqualTo(403);
            String operator = rsa(first, claims("ops-1", "chen.jie", List.of("city-ops"), null));
            assertThat(bearer(api, "/admin/v1/users", operator).status()).isEqualTo(200);

            // The provider rotates its keys: a token under the new key id is accepted after one more fetch.
            int fetchedBefore = fetches.get();
            published.set(new JWKSet(List.of(first.toPublicJWK(), rotated.toPublicJWK())).toString());
            String afterRotation = ec(rotated, claims("officer-1", "li.wei", List.of("env-staff"), "ecology"));
            assertThat(bearer(api, "/auth/me", afterRotation).status()).isEqualTo(200);
            assertThat(fetches.get()).isEqualTo(fetchedBefore + 1);

            // Bad tokens: each 401 in the route's own error format, and nothing written.
            Map<String, String> bad = new java.util.LinkedHashMap<>();
            bad.put("another audience", rsa(first, claims("officer-1", "li.wei", List.of("env-staff"), "ecology", b -> b.audience("payroll"))));
            bad.put("another issuer", rsa(first, claims("officer-1", "li.wei", List.of("env-staff"), "ecology", b -> b.issuer("https://evil.test"))));
            bad.put("expired", rsa(first, claims("officer-1", "li.wei", List.of("env-staff"), "ecology",
                    b -> b.expirationTime(Date.from(Instant.now().minus(Duration.ofMinutes(5)))))));
            bad.put("not yet valid", rsa(first, claims("officer-1", "li.wei", List.of("env-staff"), "ecology",
                    b -> b.notBeforeTime(Date.from(Instant.now().plus(Duration.ofMinutes(10)))))));
            bad.put("no expiry", rsa(first, claims("officer-1", "li.wei", List.of("env-staff"), "ecology", b -> b.expirationTime(null))));
            bad.put("signed by another key of the same id", rsa(other, claims("officer-1", "li.wei", List.of("env-staff"), "ecology")));
            bad.put("alg none", new PlainJWT(claims("officer-1", "li.wei", List.of("env-staff"), "ecology")).serialize());
            bad.put("HS256 keyed with the provider's public key", hmacWithPublicKey(first,
                    claims("officer-1", "li.wei", List.of("city-ops"), "ecology")));
            String signed = rsa(first, claims("officer-1", "li.wei", List.of("env-staff"), "ecology"));
            bad.put("claims changed after signing", signed.substring(0, signed.indexOf('.') + 1)
                    + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(claims("officer-1", "li.wei",
                    List.of("city-ops"), "ecology").toString().getBytes(StandardCharsets.UTF_8)) + signed.substring(signed.lastIndexOf('.')));
            bad.put("a key the provider never published", ec(new ECKeyGenerator(Curve.P_256).keyID("stranger").generate(),
                    claims("officer-1", "li.wei", List.of("env-staff"), "ecology")));
            int i = 0;
            for (Map.Entry<String, String> token : bad.entrySet()) {
                Api.Response refused = api.anonymous().post("/ngsi-ld/v1/entities", AIR.formatted("bad-" + i++))
                        .header("Authorization", "Bearer " + token.getValue()).send();
                assertThat(refused.status()).as(token.getKey() + ": " + refused).isEqualTo(401);
                assertThat(refused.json().path("type").asText()).as(token.getKey()).isEqualTo("urn:meridian:error:Unauthenticated");
                assertThat(refused.json().path("detail").asText()).as(token.getKey()).isNotBlank();
            }
            assertThat(refusals(api)).as("each refusal counted for the operators' alarms").isGreaterThanOrEqualTo(bad.size());
            Api.Response written = api.get("/ngsi-ld/v1/entities?type=AirQualityObserved&count=true&limit=0").send();
            assertThat(written.header("NGSILD-Results-Count")).as("only the officer's entity").isEqualTo("1");

            // Meridian's own accounts still sign in beside the provider.
            assertThat(api.get("/auth/me").send().json().path("user").asText()).isEqualTo("admin");
        } finally {
            provider.stop(0);
        }
    }

    @Test
    void withTheProviderOnlyPeopleCannotSignInWithPasswordsAndKeysMayComeFromAFile(@TempDir Path data, @TempDir Path keys)
            throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("file-key").generate();
        Path file = keys.resolve("jwks.json");
        Files.writeString(file, new JWKSet(key.toPublicJWK()).toString());
        try (MeridianServer server = TestServer.startOwn(data, Map.of(OidcSettings.ISSUER, ISSUER, OidcSettings.AUDIENCE,
                "meridian, meridian-ops", OidcSettings.JWKS, file.toString(), OidcSettings.ONLY, "true"))) {
            Api anonymous = TestServer.client(server).anonymous();
            Api.Response password = anonymous.postForm("/auth/token", "grant_type=password&username=admin&password="
                    + TestServer.ADMIN_PASSWORD).send();
            assertThat(password.status()).isEqualTo(400);
            assertThat(password.json().path("error").asText()).isEqualTo("unsupported_grant_type");
            // The roles claim holds Meridian's role names; "staff@ecology" names its department itself.
            String token = rsa(key, claims("ops-2", "zhao.lei", List.of("operator"), null, b -> b.audience(List.of("account", "meridian-ops"))));
            Api.Response me = bearer(anonymous, "/auth/me", token);
            assertThat(me.status()).as(me.toString()).isEqualTo(200);
            assertThat(me.json().path("roles").toString()).isEqualTo("[\"operator\"]");
            assertThat(bearer(anonymous, "/admin/v1/departments", token).status()).isEqualTo(200);
        }
    }

    @Test
    void incompleteSettingsAreRefusedAtStart(@TempDir Path data) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestServer.startOwn(data, Map.of(OidcSettings.ISSUER, ISSUER,
                        OidcSettings.JWKS, data.resolve("missing.json").toString(), OidcSettings.ROLE_MAP, "x=chief")))
                .hasMessageContaining(OidcSettings.AUDIENCE).hasMessageContaining("no readable file")
                .hasMessageContaining("'chief', which is not a role");
    }

    /** The server's count of refused invalid tokens, from its Prometheus metrics. */
    private static double refusals(Api api) {
        return api.get("/metrics").send().body().lines()
                .filter(line -> line.startsWith("meridian_security_refusals_total{") && line.contains("identity.INVALID_TOKEN"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private static Api.Response bearer(Api api, String path, String token) {
        return api.anonymous().get(path).header("Authorization", "Bearer " + token).send();
    }

    private static JWTClaimsSet claims(String subject, String username, List<String> roles, String department) {
        return claims(subject, username, roles, department, builder -> { });
    }

    /** Claims shaped as Keycloak issues them: roles under realm_access, the audience, a department attribute. */
    private static JWTClaimsSet claims(String subject, String username, List<String> roles, String department,
                                       Consumer<JWTClaimsSet.Builder> change) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder().issuer(ISSUER).subject(subject).audience("meridian")
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
                .jwtID(UUID.randomUUID().toString()).claim("preferred_username", username)
                .claim("realm_access", Map.of("roles", roles)).claim("roles", roles);
        if (department != null) {
            builder.claim("department", department);
        }
        change.accept(builder);
        return builder.build();
    }

    private static String rsa(RSAKey key, JWTClaimsSet claims) throws Exception {
        SignedJWT token = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(), claims);
        token.sign(new RSASSASigner(key));
        return token.serialize();
    }

    private static String ec(ECKey key, JWTClaimsSet claims) throws Exception {
        SignedJWT token = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
        token.sign(new ECDSASigner(key));
        return token.serialize();
    }

    /** The HS/RS confusion attack: an HMAC keyed with the provider's public key, which anyone can fetch. */
    private static String hmacWithPublicKey(RSAKey key, JWTClaimsSet claims) throws Exception {
        SignedJWT token = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.getKeyID()).build(), claims);
        token.sign(new MACSigner(key.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8)));
        return token.serialize();
    }
}
