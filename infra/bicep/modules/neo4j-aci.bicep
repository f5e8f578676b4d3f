// Neo4j 5 community on Azure Container Instances: private IP only (delegated subnet, no public IP),
// image pulled from the environment's own container registry with a pull-only identity, data on
// the container group's local disk (an emptyDir volume at /data), password from Key Vault (passed
// in as a secure parameter and set as a secure environment value), restart policy Always, a
// liveness probe on the HTTP port 7474 and a readiness probe on the Bolt port 7687, container
// events and logs to Log Analytics, and an A record in the private DNS zone.
//
// Durability (docs/operations.md, "Neo4j durability"): Neo4j supports only local EXT4/XFS disks,
// so the store is on the host's local disk, never on an SMB share (emptyDir, at most 50 GB). ACI
// keeps emptyDir data through container crashes, not guaranteed across restarts, and loses it when
// the group is stopped, deleted, recreated or moved to another host.
// The graph then comes back from the latest Blob backup (hourly): the next timer job restores an
// empty graph by itself, `atg admin backups restore --all` does it at once. Restore drill:
// infra/scripts/neo4j-restore-drill.sh.
//
// ACI cannot change CPU, memory, ports or the restart policy in place, and any update of a group
// restarts it. So the group is written only when deployGroup is true, which the deploy workflow
// (infra/scripts/prepare-deploy.sh) passes only when the group is missing; when its spec tag
// (image|cpu|memory) differs from the wanted one the workflow stops before deploying, and
// infra/scripts/neo4j-resize.sh backs up, deletes the group, redeploys and restores. Otherwise
// the running group is only read, to keep the A record on its current private IP.

@description('Container group name.')
param name string

@description('Region.')
param location string

@description('Tags.')
param tags object = {}

@description('Neo4j image in the environment registry (<login server>/neo4j:<x.y.z>-community).')
param image string

@description('Login server of the environment registry the image is pulled from.')
param registryServer string

@description('Resource id of the user-assigned identity with AcrPull on the registry.')
param pullIdentityId string

@description('vCPUs (ACI: at most 4 per Linux container group).')
@minValue(1)
@maxValue(4)
param cpu int

@description('Memory in GB (ACI: at most 16 per Linux container group).')
@minValue(2)
@maxValue(16)
param memoryGB int

@description('Write the container group (create, or recreate after infra/scripts/neo4j-resize.sh deleted it). False: leave the running group alone and only refresh the DNS record.')
param deployGroup bool = true

@description('Neo4j password (from Key Vault).')
@secure()
param neo4jPassword string

@description('Delegated subnet for the container group.')
param subnetId string

@description('Private DNS zone (already linked to the VNet).')
param privateDnsZoneName string

@description('Record name inside the zone.')
param dnsRecordName string

@description('Log Analytics workspace for container events and logs.')
param logAnalyticsWorkspaceName string

var heapGB = max(1, memoryGB / 4)
var pageCacheGB = max(1, memoryGB / 2)
// What a deployment cannot change in place; the workflow compares it with the running group's tag.
var spec = '${image}|${cpu}|${memoryGB}'

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: logAnalyticsWorkspaceName
}

resource zone 'Microsoft.Network/privateDnsZones@2024-06-01' existing = {
  name: privateDnsZoneName
}

resource containerGroup 'Microsoft.ContainerInstance/containerGroups@2023-05-01' = if (deployGroup) {
  name: name
  location: location
  tags: union(tags, {
    'atg-neo4j-spec': spec
  })
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${pullIdentityId}': {}
    }
  }
  properties: {
    sku: 'Standard'
    osType: 'Linux'
    restartPolicy: 'Always'
    subnetIds: [
      {
        id: subnetId
      }
    ]
    imageRegistryCredentials: [
      {
        server: registryServer
        identity: pullIdentityId
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
        emptyDir: {}
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

// The running group, written above or left alone: its current private IP feeds the A record.
resource running 'Microsoft.ContainerInstance/containerGroups@2023-05-01' existing = {
  name: name
}

resource record 'Microsoft.Network/privateDnsZones/A@2024-06-01' = {
  parent: zone
  name: dnsRecordName
  properties: {
    ttl: 30
    aRecords: [
      {
        ipv4Address: running.properties.ipAddress.ip
      }
    ]
  }
  dependsOn: [
    containerGroup
  ]
}

@description('Container group name.')
output containerGroupName string = name

@description('Container group resource id.')
output containerGroupId string = running.id

@description('Spec the deploy workflow compares with the running group\'s atg-neo4j-spec tag.')
output spec string = spec

@description('Private DNS name of Neo4j.')
output fqdn string = '${record.name}.${zone.name}'

@description('Bolt URI for the service (ATG_GRAPH).')
output boltUri string = 'bolt://${record.name}.${zone.name}:7687'
