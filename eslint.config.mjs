// n8n's own community-node rules (@n8n/node-cli), in the self-hosted flavour: the n8n Cloud flavour
// forbids any runtime dependency, and this package deliberately depends on @azure/msal-node (README).
import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';

export default configWithoutCloudSupport;
