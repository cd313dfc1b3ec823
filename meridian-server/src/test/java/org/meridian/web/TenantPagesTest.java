package org.meridian.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/** The pages of a node serving several tenants: the tenant chosen at sign-in is the one every page works in. */
class TenantPagesTest {
    private final Api operator = TestServer.api();

    @Test
    void thePagesWorkInTheTenantChosenAtSignIn() {
        String tenant = TestServer.newTenant();
        String name = "tp-" + UUID.randomUUID().toString().substring(0, 6);
        operator.put("/admin/v1/departments/parks", "{\"name\": \"Parks\"}").tenant(tenant).send();
        WebClient.account(operator, tenant, "staff", "parks", name);
        Api.Response dataset = operator.put("/sharing/v1/datasets/TpBench", "{\"owner\": \"parks\", \"title\": \"Park benches of " + tenant
                + "\"}").tenant(tenant).send();
        assertThat(dataset.status()).as(dataset.toString()).isIn(200, 201);

        WebClient there = new WebClient(operator.base(), "en");
        assertThat(there.signIn(Map.of("username", name, "password", WebClient.PASSWORD, "tenant", tenant)).statusCode()).isEqualTo(303);
        HttpResponse<String> catalogue = there.get("/ops/data");
        assertThat(catalogue.statusCode()).isEqualTo(200);
        assertThat(catalogue.body()).contains("Park benches of " + tenant).contains("class=\"tenant\">" + tenant + "<");

        // Signed in without choosing: the default tenant, where this person holds no role.
        WebClient here = new WebClient(operator.base(), "en");
        assertThat(here.signIn(Map.of("username", name, "password", WebClient.PASSWORD)).statusCode()).isEqualTo(303);
        assertThat(here.get("/ops/data").statusCode()).isEqualTo(403);
        // A tenant name that is not one is the default tenant, not an error on every page.
        WebClient odd = new WebClient(operator.base(), "en");
        odd.signIn(Map.of("username", name, "password", WebClient.PASSWORD, "tenant", "no such/tenant"));
        assertThat(odd.get("/ops/data").statusCode()).isEqualTo(403);
    }
}
