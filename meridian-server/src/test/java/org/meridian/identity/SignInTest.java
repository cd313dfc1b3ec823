package org.meridian.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meridian.app.MeridianServer;
import org.meridian.ingest.IngestSettings;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/**
 * Sign-in (OAuth 2.0 password grant) and bearer tokens: the operator account signs in and is recognised on every API;
 * wrong passwords, forged, expired and malformed tokens are refused in each face's own format; guessing is throttled.
 */
class SignInTest {
    private final Api api = TestServer.api();

    static Api.Response signIn(Api api, String username, String password) {
        String form = "grant_type=password&username=" + URLEncoder.encode(username, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
        return api.postBytes("/auth/token", form.getBytes(StandardCharsets.UTF_8), "application/x-www-form-urlencoded").send();
    }

    private Api.Response me(String authorization) {
        Api.Request request = api.anonymous().get("/auth/me");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return request.send();
    }

    @Test
    void theOperatorSignsInAndIsRecognised() {
        Api.Response token = signIn(api, "admin", TestServer.ADMIN_PASSWORD);
        assertThat(token.status()).as(token.toString()).isEqualTo(200);
        assertThat(token.header("Cache-Control")).isEqualTo("no-store");
        JsonNode body = token.json();
        assertThat(body.path("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.path("expires_in").asInt()).isEqualTo(15 * 60);
        Api.Response me = me("Bearer " + body.path("access_token").asText());
        assertThat(me.status()).as(me.toString()).isEqualTo(200);
        assertThat(me.json().path("user").asText()).isEqualTo("admin");
        assertThat(me.json().path("roles").toString()).contains("operator");
        // The same token on the NGSI-LD API.
        String tenant = TestServer.newTenant();
        Api.Response created = api.post("/ngsi-ld/v1/entities", "{\"id\": \"urn:ngsi-ld:Bench:signed-in\", \"type\": \"Bench\"}")
                .tenant(tenant).header("Authorization", "Bearer " + body.path("access_token").asText()).send();
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }

    @Test
    void aWrongPasswordOrAnUnknownUserIsAnOAuthError() {
        for (Api.Response refused : new Api.Response[] {signIn(api, "admin", "not the password"),
                signIn(api, "nobody-" + System.nanoTime(), "whatever")}) {
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.json().path("error").asText()).isEqualTo("invalid_grant");
            assertThat(refused.json().path("error_description").asText()).isEqualTo("The user name or the password is wrong");
        }
        Api.Response grant = api.postBytes("/auth/token", "grant_type=implicit".getBytes(StandardCharsets.UTF_8),
                "application/x-www-form-urlencoded").send();
        assertThat(grant.json().path("error").asText()).isEqualTo("unsupported_grant_type");
        Api.Response json = api.anonymous().post("/auth/token", "{\"username\": \"admin\"}").send();
        assertThat(json.json().path("error").asText()).isEqualTo("invalid_request");
    }

    @Test
    void forgedExpiredAndMalformedTokensAreRefused() throws Exception {
        byte[] key;
        try (Connection connection = TestServer.dataSource().getConnection();
             ResultSet row = connection.createStatement().executeQuery("SELECT secret FROM signing_key")) {
            row.next();
            key = row.getBytes(1);
        }
        String account = signInAndReadSubject();
        JWTClaimsSet expired = new JWTClaimsSet.Builder().issuer("meridian").subject(account)
                .expirationTime(Date.from(Instant.now().minusSeconds(60))).build();
        SignedJWT expiredToken = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), expired);
        expiredToken.sign(new MACSigner(key));
        JWTClaimsSet valid = new JWTClaimsSet.Builder().issuer("meridian").subject(account)
                .expirationTime(Date.from(Instant.now().plusSeconds(600))).build();
        SignedJWT otherKey = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), valid);
        otherKey.sign(new MACSigner(new byte[32]));
        SignedJWT otherAlgorithm = new SignedJWT(new JWSHeader(JWSAlgorithm.HS512), valid);
        otherAlgorithm.sign(new MACSigner(java.util.Arrays.copyOf(key, 64)));
        String unsigned = new PlainJWT(valid).serialize();
        SignedJWT rsa = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), valid);
        rsa.sign(new com.nimbusds.jose.crypto.RSASSASigner(new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).generate()));
        for (String token : new String[] {expiredToken.serialize(), otherKey.serialize(), otherAlgorithm.serialize(), unsigned,
                rsa.serialize(), "not-a-token"}) {
            Api.Response refused = me("Bearer " + token);
            assertThat(refused.status()).as(token).isEqualTo(401);
            assertThat(refused.header("WWW-Authenticate")).isEqualTo("Bearer");
            assertThat(refused.json().path("code").asText()).isEqualTo("identity.INVALID_TOKEN");
            Api.Response ngsiLd = api.anonymous().get("/ngsi-ld/v1/entities?type=X").header("Authorization", "Bearer " + token).send();
            assertThat(ngsiLd.status()).isEqualTo(401);
            assertThat(ngsiLd.json().path("type").asText()).isEqualTo("urn:meridian:error:Unauthenticated");
        }
        assertThat(me("Basic YWRtaW46YWRtaW4=").status()).isEqualTo(401);
        assertThat(me(null).status()).as("no token: who are you?").isEqualTo(401);
    }

    private String signInAndReadSubject() {
        String token = signIn(api, "admin", TestServer.ADMIN_PASSWORD).json().path("access_token").asText();
        String payload = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        return Api.parse(payload).path("sub").asText();
    }

    /** On a server of its own: the throttle would otherwise lock the shared operator account out for other tests. */
    @Test
    void guessingIsThrottledPerAccount(@TempDir Path data) {
        try (MeridianServer server = TestServer.startOwn(data, Map.of(IngestSettings.MQTT_PORT, "-1"))) {
            Api own = TestServer.client(server);
            for (int i = 0; i < 5; i++) {
                assertThat(signIn(own, "admin", "guess " + i).status()).isEqualTo(400);
            }
            Api.Response throttled = signIn(own, "admin", TestServer.ADMIN_PASSWORD);
            assertThat(throttled.status()).as("even the right password, for a while").isEqualTo(429);
            assertThat(throttled.json().path("error").asText()).isEqualTo("slow_down");
            assertThat(throttled.header("Retry-After")).isEqualTo("900");
        }
    }
}
