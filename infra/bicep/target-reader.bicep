// Reader on one subscription of a tenant ATG scans. Deploy it in THAT tenant, once per
// subscription (or at a management group with the same role, by hand), e.g.:
//
//   az login --tenant <scanned-tenant-id>
//   az deployment sub create --location <region> --subscription <subscription-id> \
//     --template-file infra/bicep/target-reader.bicep \
//     --parameters principalId=<object id of ATG's service principal in the scanned tenant>
//
// principalId is the object id, in the scanned tenant, of the principal the service scans as:
//   - scanning the tenant the service runs in: the service identity (main.bicep output
//     identityPrincipalId);
//   - scanning another tenant: the service principal of ATG's multi-tenant app registration,
//     created in the scanned tenant by `az ad sp create --id <app id>` (docs/deploy.md).
// Reader only: ATG discovers, it never writes to a scanned subscription. Entra ID discovery needs
// Microsoft Graph application permissions granted by that tenant's admin, not an Azure role.
targetScope = 'subscription'

@description('Object id, in this tenant, of the principal ATG scans as.')
param principalId string

@description('Principal type of principalId.')
@allowed([
  'ServicePrincipal'
])
param principalType string = 'ServicePrincipal'

var readerRoleId = 'acdd72a7-3c48-4fb6-9b1e-c27b31a9b6e9'

resource reader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, principalId, readerRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', readerRoleId)
    principalId: principalId
    principalType: principalType
    description: 'ATG read-only discovery'
  }
}

@description('Role assignment id.')
output roleAssignmentId string = reader.id

@description('Subscription the role was granted on.')
output subscriptionId string = subscription().subscriptionId
