package org.meridian.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.meridian.core.security.Role;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/**
 * Sessions: refresh tokens work once (a replay ends the whole sign-in), signing out and disabling an account end every
 * token at once, and machine clients sign in with client_credentials or an API key that stops working when disabled.
 */
@org.junit.jupiter.api.Tag("security")
class SessionsTest {
    private final Api operator = TestServer.api();
    private final String tenant = TestServer.newTenant();

    private JsonNode signIn(String username) {
        Api.Response response = operator.anonymous().postForm("/auth/token", "grant_type=password&username=" + username
                + "&password=" + Accounts.PASSWORD).send();
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json();
    }

    private Api.Response refresh(String refreshToken) {
        return operator.anonymous().postForm("/auth/token", "grant_type=refresh_token&refresh_token=" + refreshToken).send();
    }

    private Api.Response me(String accessToken) {
        return operator.anonymous().get("/auth/me").header("Authorization", "Bearer " + accessToken).tenant(tenant).send();
    }

    private String newStaff() {
        Accounts.signedIn(operator, tenant, Role.STAFF); // makes the department
        String name = "staff-" + System.nanoTime();
        Api.Response created = operator.post("/admin/v1/users", "{\"username\": \"" + name + "\", \"password\": \""
                + Accounts.PASSWORD + "\", \"roles\": [{\"department\": \"d1\", \"role\": \"staff\"}]}").tenant(tenant).send();
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return name;
    }

    @Test
    void aRefreshTokenWorksOnceAndItsReplayEndsTheSignIn() {
        String name = newStaff();
        JsonNode first = signIn(name);
        assertThat(first.path("refresh_token").asText()).hasSizeGreaterThan(40);

        Api.Response second = refresh(first.path("refresh_token").asText());
        assertThat(second.status()).as(second.toString()).isEqualTo(200);
        String secondAccess = second.json().path("access_token").asText();
        assertThat(me(secondAccess).status()).isEqualTo(200);
        assertThat(second.json().path("refresh_token").asText()).isNotEqualTo(first.path("refresh_token").asText());

        Api.Response replay = refresh(first.path("refresh_token").asText());
        assertThat(replay.status()).isEqualTo(400);
        assertThat(replay.json().path("error").asText()).isEqualTo("invalid_grant");
        assertThat(me(secondAccess).status()).as("the replay ended the session: its access tokens too").isEqualTo(401);
        assertThat(me(first.path("access_token").asText()).status()).isEqualTo(401);
        assertThat(refresh(second.json().path("refresh_token").asText()).status()).as("and its newest refresh token").isEqualTo(400);
        assertThat(me(signIn(name).path("access_token").asText()).status()).as("a new sign-in works").isEqualTo(200);
        assertThat(refresh("made-up").json().path("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void signingOutEndsTheSignInAtOnce() {
        String name = newStaff();
        JsonNode tokens = signIn(name);
        String access = tokens.path("access_token").asText();
        assertThat(me(access).status()).isEqualTo(200);
        Api.Response out = operator.anonymous().postForm("/auth/logout", "").header("Authorization", "Bearer " + access).send();
        assertThat(out.status()).isEqualTo(204);
        assertThat(me(access).status()).isEqualTo(401);
        assertThat(me(access).json().path("code").asText()).isEqualTo("identity.INVALID_TOKEN");
        assertThat(refresh(tokens.path("refresh_token").asText()).status()).isEqualTo(400);
    }

    @Test
    void disablingAnAccountOrChangingItsPasswordEndsItsSignInsAndItsRolesAreReadOnEveryRequest() {
        String name = newStaff();
        String access = signIn(name).path("access_token").asText();
        Api.Response read = operator.anonymous().get("/ngsi-ld/v1/types").header("Authorization", "Bearer " + access).tenant(tenant).send();
        assertThat(read.status()).as(read.toString()).isIn(200, 404);

        Api.Response noRoles = operator.put("/admin/v1/users/" + name + "/roles", "[]").tenant(tenant).send();
        assertThat(noRoles.status()).as(noRoles.toString()).isEqualTo(200);
        Api.Response refused = operator.anonymous().get("/ngsi-ld/v1/types").header("Authorization", "Bearer " + access).tenant(tenant).send();
        assertThat(refused.status()).as("the role went, with the same token").isEqualTo(403);

        assertThat(me(access).status()).as("still signed in, without roles here").isEqualTo(200);
        Api.Response disabled = operator.patch("/admin/v1/users/" + name, "{\"disabled\": true}").tenant(tenant).send();
        assertThat(disabled.status()).as(disabled.toString()).isEqualTo(200);
        assertThat(disabled.json().path("disabled").asBoolean()).isTrue();
        assertThat(me(access).status()).isEqualTo(401);
        Api.Response signIn = operator.anonymous().postForm("/auth/token", "grant_type=password&username=" + name
                + "&password=" + Accounts.PASSWORD).send();
        assertThat(signIn.json().path("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void machineClientsSignInWithClientCredentialsOrTheirApiKey() {
        Accounts.department(operator, tenant, "d1");
        assertThat(operator.put("/sharing/v1/datasets/TrafficSignal", "{\"owner\": \"d1\"}").tenant(tenant).send().status()).isEqualTo(201);
        Api.Response created = operator.post("/admin/v1/clients", "{\"id\": \"traffic-system-" + System.nanoTime()
                + "\", \"department\": \"d1\", \"description\": \"Traffic signal control\"}").tenant(tenant).send();
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.json().path("id").asText();
        String secret = created.json().path("secret").asText();
        String apiKey = created.json().path("apiKey").asText();
        assertThat(created.json().path("role").asText()).isEqualTo("system");
        assertThat(operator.get("/admin/v1/clients/" + id).tenant(tenant).send().json().has("secret"))
                .as("the secret is shown once").isFalse();

        Api.Response token = operator.anonymous().postForm("/auth/token", "grant_type=client_credentials&client_id=" + id
                + "&client_secret=" + secret).send();
        assertThat(token.status()).as(token.toString()).isEqualTo(200);
        assertThat(token.json().has("refresh_token")).isFalse();
        String access = token.json().path("access_token").asText();
        Api.Response write = operator.anonymous().post("/ngsi-ld/v1/entities", "{\"id\": \"urn:ngsi-ld:TrafficSignal:1\", \"type\": \"TrafficSignal\"}")
                .header("Authorization", "Bearer " + access).tenant(tenant).send();
        assertThat(write.status()).as(write.toString()).isEqualTo(201);
        Api.Response byKey = operator.anonymous().get("/ngsi-ld/v1/entities/urn:ngsi-ld:TrafficSignal:1").header("X-Api-Key", apiKey)
                .tenant(tenant).send();
        assertThat(byKey.status()).as(byKey.toString()).isEqualTo(200);
        Api.Response me = operator.anonymous().get("/auth/me").header("X-Api-Key", apiKey).tenant(tenant).send();
        assertThat(me.json().path("subject").asText()).isEqualTo("client:" + id);

        Api.Response wrong = operator.anonymous().postForm("/auth/token", "grant_type=client_credentials&client_id=" + id
                + "&client_secret=forged").send();
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.json().path("error").asText()).isEqualTo("invalid_client");
        assertThat(operator.anonymous().get("/auth/me").header("X-Api-Key", id + ".forged").send().status()).isEqualTo(401);

        Api.Response rotated = operator.post("/admin/v1/clients/" + id + "/secret", "").tenant(tenant).send();
        assertThat(rotated.status()).isEqualTo(200);
        assertThat(operator.anonymous().get("/auth/me").header("X-Api-Key", apiKey).send().status()).as("the old key").isEqualTo(401);
        assertThat(me(access).status()).as("a token issued with the old secret, at once").isEqualTo(401);
        String renewed = operator.anonymous().postForm("/auth/token", "grant_type=client_credentials&client_id=" + id
                + "&client_secret=" + rotated.json().path("secret").asText()).send().json().path("access_token").asText();
        assertThat(me(renewed).status()).as("one issued with the new secret").isEqualTo(200);
        assertThat(operator.patch("/admin/v1/clients/" + id, "{\"disabled\": true}").tenant(tenant).send().status()).isEqualTo(200);
        assertThat(me(renewed).status()).as("its access token, at once").isEqualTo(401);
        assertThat(operator.anonymous().get("/auth/me").header("X-Api-Key", rotated.json().path("apiKey").asText()).send().status())
                .isEqualTo(401);
    }
}
