package org.meridian.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;

/** A test's own tenant, worked as its operator: requests sent there, and people made with one role each. */
public record InTenant(Api operator, String tenant) {
    public static final String PASSWORD = "a-tenant-password-1";

    public Api.Response send(Api.Request request) {
        return request.tenant(tenant).send();
    }

    /** Sends the request and expects it to succeed; its JSON body, or null when there is none. */
    public JsonNode ok(Api.Request request) {
        Api.Response response = send(request);
        assertThat(response.status()).as(response.toString()).isBetween(200, 204);
        return response.body().isEmpty() ? null : response.json();
    }

    /** A new person of the tenant with the role in the department ("" for tenant-wide), signed in. */
    public Api person(String name, String department, String role) {
        String unique = name + "-" + tenant;
        ok(operator.post("/admin/v1/users", "{\"username\": \"" + unique + "\", \"password\": \"" + PASSWORD
                + "\", \"roles\": [{\"department\": \"" + department + "\", \"role\": \"" + role + "\"}]}"));
        return operator.as(unique, PASSWORD);
    }
}
