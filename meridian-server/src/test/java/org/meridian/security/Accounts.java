package org.meridian.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.meridian.core.security.Role;
import org.meridian.testing.Api;

/** People and machine clients for security tests, made through the administration API as an operator would. */
final class Accounts {
    static final String PASSWORD = "a-test-password-1";
    static final String DEPARTMENT = "d1";

    private Accounts() {
    }

    static void department(Api operator, String tenant, String id) {
        Api.Response response = operator.put("/admin/v1/departments/" + id, "{\"name\": \"Department " + id + "\"}").tenant(tenant).send();
        assertThat(response.status()).as(response.toString()).isIn(200, 201);
    }

    /** A new person with the role (in department d1 of the tenant), or a machine client, signed in. */
    static Api signedIn(Api operator, String tenant, Role role) {
        department(operator, tenant, DEPARTMENT);
        String name = role.id() + "-" + UUID.randomUUID().toString().substring(0, 8);
        if (role.kind() == Role.Kind.MACHINE) {
            Api.Response client = operator.post("/admin/v1/clients", "{\"id\": \"" + name + "\", \"department\": \""
                    + DEPARTMENT + "\", \"role\": \"" + role.id() + "\"}").tenant(tenant).send();
            assertThat(client.status()).as(client.toString()).isEqualTo(201);
            return new MachineApi(operator.anonymous(), client.json().path("apiKey").asText()).api();
        }
        String department = role == Role.OPERATOR || role == Role.DISPATCHER || role == Role.AUDITOR ? "" : DEPARTMENT;
        Api.Response user = operator.post("/admin/v1/users", "{\"username\": \"" + name + "\", \"password\": \"" + PASSWORD
                + "\", \"roles\": [{\"department\": \"" + department + "\", \"role\": \"" + role.id() + "\"}]}").tenant(tenant).send();
        assertThat(user.status()).as(user.toString()).isEqualTo(201);
        return operator.as(name, PASSWORD);
    }

    /** A machine client signs in with client_credentials, like a department's system would. */
    private record MachineApi(Api anonymous, String apiKey) {
        Api api() {
            int dot = apiKey.lastIndexOf('.');
            return anonymous.asClient(apiKey.substring(0, dot), apiKey.substring(dot + 1));
        }
    }
}
