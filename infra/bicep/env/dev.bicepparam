// dev: main -> dev. Values are listed in docs/deploy.md ("The three environments"); infra/infratest
// checks the two agree.
using '../main.bicep'

param environmentName = 'dev'
param location = 'swedencentral'
param functionInstanceMemoryMB = 2048
param functionMaximumInstanceCount = 40
param storageSkuName = 'Standard_LRS'
param artifactRetentionDays = 7
param backupRetentionDays = 7
param logRetentionDays = 30
param vnetAddressPrefix = '10.60.0.0/16'
// Neo4j size: ACI allows at most 4 vCPU and 16 GB per Linux container group; a change needs
// infra/scripts/neo4j-resize.sh (ACI cannot resize a group in place).
param neo4jCpu = 1
param neo4jMemoryGB = 4
// Client id of the multi-tenant app registration that scans this environment's target tenant
// (docs/deploy.md, "Scanning another tenant"); empty until it exists.
param scanAppClientId = ''
param keyVaultPurgeProtection = false

// Secrets and per-run values come from the deploy workflow's environment, never from this file.
param neo4jPassword = readEnvironmentVariable('NEO4J_PASSWORD')
param deployerPrincipalId = readEnvironmentVariable('ATG_DEPLOYER_OBJECT_ID', '')
param alertEmails = readEnvironmentVariable('ATG_ALERT_EMAILS', '')
param operatorObjectIds = readEnvironmentVariable('ATG_OPERATOR_OBJECT_IDS', '')
