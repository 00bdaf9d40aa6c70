/**
 * The provider's metadata (OpenID Connect Discovery 1.0 section 3), served at
 * /.well-known/openid-configuration on the auth host. The issuer is PUBLIC_URL's origin:
 * changing it means registering every client again.
 */
import type { Config } from "../config";
import { SUPPORTED_SCOPES } from "./scopes";
import { ID_TOKEN_ALGS } from "./signing-keys";

export function providerMetadata(config: Config) {
  const issuer = config.publicUrl.origin;
  const base = `${issuer}${config.authPrefix}/oidc`;
  const keys = config.oidc?.signingKeys ?? [];
  return {
    issuer,
    authorization_endpoint: `${base}/authorize`,
    token_endpoint: `${base}/token`,
    userinfo_endpoint: `${base}/userinfo`,
    end_session_endpoint: `${base}/logout`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    scopes_supported: [...SUPPORTED_SCOPES],
    response_types_supported: ["code"],
    response_modes_supported: ["query"],
    grant_types_supported: ["authorization_code", "refresh_token"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ID_TOKEN_ALGS.filter((alg) => keys.some((key) => key.alg === alg)),
    token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "none"],
    code_challenge_methods_supported: ["S256"],
    claims_supported: ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "amr", "sid", "email", "email_verified", "name", "groups"],
    prompt_values_supported: ["none", "login"],
    claims_parameter_supported: false,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    authorization_response_iss_parameter_supported: true,
  };
}
