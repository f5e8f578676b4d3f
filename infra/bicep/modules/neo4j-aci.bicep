// Neo4j 5 community on Azure Container Instances: pinned image, private IP only (delegated subnet,
// no public IP), data on an Azure Files share mounted at /data, password from Key Vault (passed in
// as a secure parameter and set as a secure environment value), restart policy Always, a liveness
// probe on the HTTP port 7474 and a readiness probe on the Bolt port 7687, container events and
// logs to Log Analytics (the restart alert reads them), and an A record in the private DNS zone.
//
// ACI mounts Azure Files with the account key only, so the data share lives in its own storage
// account with shared-key access on; the service storage account keeps shared keys off.
// The private IP of a container group can change when ACI moves it: every deployment rewrites the
// A record (TTL 30 s); docs/operations.md says what to do between deployments.

@description('Container group name.')
param name string

@description('Region.')
param location string

@description('Tags.')
param tags object = {}

@description('Neo4j image, pinned (neo4j:<x.y.z>-community).')
param image string

@description('vCPUs.')
param cpu int

@description('Memory in GB.')
param memoryGB int

@description('Neo4j password (from Key Vault).')
@secure()
param neo4jPassword string

@description('Delegated subnet for the container group.')
param subnetId string

@description('Name of the storage account holding the data share.')
@minLength(3)
@maxLength(24)
param dataStorageAccountName string

@description('SKU of the data storage account (Premium_LRS = premium file shares).')
param dataSkuName string

@description('Share quota in GiB.')
param shareQuotaGiB int

@description('Private DNS zone (already linked to the VNet).')
param privateDnsZoneName string

@description('Record name inside the zone.')
param dnsRecordName string

@description('Log Analytics workspace for container events and logs.')
param logAnalyticsWorkspaceName string

var heapGB = max(1, memoryGB / 4)
var pageCacheGB = max(1, memoryGB / 2)
var shareName = 'neo4j-data'

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: logAnalyticsWorkspaceName
}

resource zone 'Microsoft.Network/privateDnsZones@2024-06-01' existing = {
  name: privateDnsZoneName
}

resource dataStorage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: dataStorageAccountName
  location: location
  tags: tags
  kind: dataSkuName == 'Premium_LRS' ? 'FileStorage' : 'StorageV2'
  sku: {
    name: dataSkuName
  }
  properties: {
    allowSharedKeyAccess: true // required: ACI mounts Azure Files with the account key
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource fileService 'Microsoft.Storage/storageAccounts/fileServices@2023-05-01' = {
  parent: dataStorage
  name: 'default'
  properties: {
    shareDeleteRetentionPolicy: {
      enabled: true
      days: 14
    }
  }
}

resource share 'Microsoft.Storage/storageAccounts/fileServices/shares@2023-05-01' = {
  parent: fileService
  name: shareName
  properties: {
    shareQuota: shareQuotaGiB
    enabledProtocols: 'SMB'
  }
}

resource containerGroup 'Microsoft.ContainerInstance/containerGroups@2023-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    sku: 'Standard'
    osType: 'Linux'
    restartPolicy: 'Always'
    subnetIds: [
      {
        id: subnetId
      }
    ]
    ipAddress: {
      type: 'Private'
      ports: [
        {
          port: 7474
          protocol: 'TCP'
        }
        {
          port: 7687
          protocol: 'TCP'
        }
      ]
    }
    diagnostics: {
      logAnalytics: {
        workspaceId: workspace.properties.customerId
        workspaceKey: workspace.listKeys().primarySharedKey
        logType: 'ContainerInstanceLogs'
      }
    }
    volumes: [
      {
        name: 'data'
        azureFile: {
          shareName: share.name
          storageAccountName: dataStorage.name
          storageAccountKey: dataStorage.listKeys().keys[0].value
          readOnly: false
        }
      }
    ]
    containers: [
      {
        name: 'neo4j'
        properties: {
          image: image
          ports: [
            {
              port: 7474
              protocol: 'TCP'
            }
            {
              port: 7687
              protocol: 'TCP'
            }
          ]
          resources: {
            requests: {
              cpu: cpu
              memoryInGB: memoryGB
            }
          }
          environmentVariables: [
            {
              name: 'NEO4J_AUTH'
              secureValue: 'neo4j/${neo4jPassword}'
            }
            {
              name: 'NEO4J_server_memory_heap_initial__size'
              value: '${heapGB}g'
            }
            {
              name: 'NEO4J_server_memory_heap_max__size'
              value: '${heapGB}g'
            }
            {
              name: 'NEO4J_server_memory_pagecache_size'
              value: '${pageCacheGB}g'
            }
            {
              name: 'NEO4J_server_default__listen__address'
              value: '0.0.0.0'
            }
            {
              name: 'NEO4J_dbms_usage__report_enabled'
              value: 'false'
            }
          ]
          volumeMounts: [
            {
              name: 'data'
              mountPath: '/data'
            }
          ]
          livenessProbe: {
            httpGet: {
              path: '/'
              port: 7474
              scheme: 'http'
            }
            initialDelaySeconds: 120
            periodSeconds: 30
            timeoutSeconds: 10
            failureThreshold: 5
            successThreshold: 1
          }
          readinessProbe: {
            exec: {
              command: [
                'bash'
                '-c'
                'exec 3<>/dev/tcp/127.0.0.1/7687'
              ]
            }
            initialDelaySeconds: 60
            periodSeconds: 15
            timeoutSeconds: 5
            failureThreshold: 3
            successThreshold: 1
          }
        }
      }
    ]
  }
}

resource record 'Microsoft.Network/privateDnsZones/A@2024-06-01' = {
  parent: zone
  name: dnsRecordName
  properties: {
    ttl: 30
    aRecords: [
      {
        ipv4Address: containerGroup.properties.ipAddress.ip
      }
    ]
  }
}

@description('Container group name.')
output containerGroupName string = containerGroup.name

@description('Private IP of the container group (at deployment time).')
output privateIp string = containerGroup.properties.ipAddress.ip

@description('Private DNS name of Neo4j.')
output fqdn string = '${record.name}.${zone.name}'

@description('Bolt URI for the service (ATG_GRAPH).')
output boltUri string = 'bolt://${record.name}.${zone.name}:7687'
