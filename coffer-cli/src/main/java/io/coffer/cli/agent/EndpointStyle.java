package io.coffer.cli.agent;

import java.util.List;

/**
 * The two local token endpoints Azure hosts offer and the SDKs know: how a request proves it comes
 * from the workload, and which query parameters name a user-assigned identity.
 */
enum EndpointStyle {
  /** {@code IDENTITY_ENDPOINT} + {@code IDENTITY_HEADER}; api-version 2019-08-01. */
  APP_SERVICE("X-IDENTITY-HEADER", "client_id", "object_id", "principal_id", "mi_res_id"),
  /** The instance metadata service; api-version 2018-02-01. */
  IMDS("Metadata", "client_id", "object_id", "msi_res_id");

  private final String proofHeader;
  private final List<String> idParameters;

  EndpointStyle(String proofHeader, String... idParameters) {
    this.proofHeader = proofHeader;
    this.idParameters = List.of(idParameters);
  }

  String proofHeader() {
    return proofHeader;
  }

  List<String> idParameters() {
    return idParameters;
  }
}
