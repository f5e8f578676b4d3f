// The environment VNet: one subnet delegated to Flex Consumption (Microsoft.App/environments) for
// the Function App's VNet integration, one delegated to ACI for Neo4j, one delegated to ACI for
// the operators' temporary shell (docs/operations.md, "A shell in the VNet"), and a private DNS
// zone linked to the VNet so the Function App reaches Neo4j by name (neo4j.<env>.atg.internal).
// Neo4j has no public IP: the VNet is the only way in, and its NSG admits Bolt/HTTP only from the
// Function subnet and the ops subnet.
//
// Outbound: a NAT gateway on every subnet. ACI in a VNet supports only a NAT gateway for outbound
// connectivity, and new subnets get no default outbound access; the Function App (all its traffic
// goes through the VNet) reaches Storage, Key Vault and Application Insights, Neo4j's group pulls
// its image from the registry, and the ops shell downloads its tools — all through it.

@description('VNet name.')
param vnetName string

@description('Region.')
param location string

@description('Tags.')
param tags object = {}

@description('VNet address space (a /16).')
param addressPrefix string

@description('Private DNS zone for internal names (e.g. dev.atg.internal).')
param privateDnsZoneName string

var functionSubnetName = 'snet-func'
var aciSubnetName = 'snet-neo4j'
var opsSubnetName = 'snet-ops'
var functionPrefix = cidrSubnet(addressPrefix, 24, 0)
var aciPrefix = cidrSubnet(addressPrefix, 24, 1)
var opsPrefix = cidrSubnet(addressPrefix, 24, 2)

resource natIp 'Microsoft.Network/publicIPAddresses@2024-05-01' = {
  name: '${vnetName}-nat-ip'
  location: location
  tags: tags
  sku: {
    name: 'Standard'
  }
  properties: {
    publicIPAllocationMethod: 'Static'
    publicIPAddressVersion: 'IPv4'
  }
}

resource nat 'Microsoft.Network/natGateways@2024-05-01' = {
  name: '${vnetName}-nat'
  location: location
  tags: tags
  sku: {
    name: 'Standard'
  }
  properties: {
    idleTimeoutInMinutes: 10
    publicIpAddresses: [
      {
        id: natIp.id
      }
    ]
  }
}

resource functionNsg 'Microsoft.Network/networkSecurityGroups@2024-05-01' = {
  name: '${vnetName}-${functionSubnetName}-nsg'
  location: location
  tags: tags
  properties: {
    securityRules: []
  }
}

resource aciNsg 'Microsoft.Network/networkSecurityGroups@2024-05-01' = {
  name: '${vnetName}-${aciSubnetName}-nsg'
  location: location
  tags: tags
  properties: {
    securityRules: [
      {
        name: 'allow-bolt-http-from-functions'
        properties: {
          priority: 100
          direction: 'Inbound'
          access: 'Allow'
          protocol: 'Tcp'
          sourceAddressPrefix: functionPrefix
          sourcePortRange: '*'
          destinationAddressPrefix: aciPrefix
          destinationPortRanges: [
            '7474'
            '7687'
          ]
        }
      }
      {
        // The runbooks' shell (cypher-shell, atg graph import) runs in snet-ops.
        name: 'allow-bolt-http-from-ops'
        properties: {
          priority: 110
          direction: 'Inbound'
          access: 'Allow'
          protocol: 'Tcp'
          sourceAddressPrefix: opsPrefix
          sourcePortRange: '*'
          destinationAddressPrefix: aciPrefix
          destinationPortRanges: [
            '7474'
            '7687'
          ]
        }
      }
      {
        name: 'deny-other-vnet-inbound'
        properties: {
          priority: 4000
          direction: 'Inbound'
          access: 'Deny'
          protocol: '*'
          sourceAddressPrefix: 'VirtualNetwork'
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRange: '*'
        }
      }
    ]
  }
}

resource opsNsg 'Microsoft.Network/networkSecurityGroups@2024-05-01' = {
  name: '${vnetName}-${opsSubnetName}-nsg'
  location: location
  tags: tags
  properties: {
    securityRules: [
      {
        name: 'deny-vnet-inbound'
        properties: {
          priority: 4000
          direction: 'Inbound'
          access: 'Deny'
          protocol: '*'
          sourceAddressPrefix: 'VirtualNetwork'
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRange: '*'
        }
      }
    ]
  }
}

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: vnetName
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        addressPrefix
      ]
    }
    subnets: [
      {
        name: functionSubnetName
        properties: {
          addressPrefix: functionPrefix
          networkSecurityGroup: {
            id: functionNsg.id
          }
          natGateway: {
            id: nat.id
          }
          delegations: [
            {
              name: 'flex-consumption'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
        }
      }
      {
        name: aciSubnetName
        properties: {
          addressPrefix: aciPrefix
          networkSecurityGroup: {
            id: aciNsg.id
          }
          natGateway: {
            id: nat.id
          }
          delegations: [
            {
              name: 'aci'
              properties: {
                serviceName: 'Microsoft.ContainerInstance/containerGroups'
              }
            }
          ]
        }
      }
      {
        name: opsSubnetName
        properties: {
          addressPrefix: opsPrefix
          networkSecurityGroup: {
            id: opsNsg.id
          }
          natGateway: {
            id: nat.id
          }
          delegations: [
            {
              name: 'aci'
              properties: {
                serviceName: 'Microsoft.ContainerInstance/containerGroups'
              }
            }
          ]
        }
      }
    ]
  }
}

resource zone 'Microsoft.Network/privateDnsZones@2024-06-01' = {
  name: privateDnsZoneName
  location: 'global'
  tags: tags
}

resource zoneLink 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = {
  parent: zone
  name: '${vnetName}-link'
  location: 'global'
  tags: tags
  properties: {
    registrationEnabled: false
    virtualNetwork: {
      id: vnet.id
    }
  }
}

@description('VNet resource id.')
output vnetId string = vnet.id

@description('Subnet for the Function App VNet integration.')
output functionSubnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', vnet.name, functionSubnetName)

@description('Subnet for the Neo4j container group.')
output aciSubnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', vnet.name, aciSubnetName)

@description('Subnet for the operators\' temporary shell container (docs/operations.md).')
output opsSubnetName string = opsSubnetName

@description('Public IP all outbound traffic of the VNet leaves from (allow-list it where needed).')
output outboundIp string = natIp.properties.ipAddress

@description('Private DNS zone name (linked to the VNet).')
output privateDnsZoneName string = zone.name
