// The environment VNet: one subnet delegated to Flex Consumption (Microsoft.App/environments) for
// the Function App's VNet integration, one delegated to ACI for Neo4j, and a private DNS zone
// linked to the VNet so the Function App reaches Neo4j by name (neo4j.<env>.atg.internal).
// Neo4j has no public IP: the VNet is the only way in.

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
          sourceAddressPrefix: cidrSubnet(addressPrefix, 24, 0)
          sourcePortRange: '*'
          destinationAddressPrefix: cidrSubnet(addressPrefix, 24, 1)
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
          addressPrefix: cidrSubnet(addressPrefix, 24, 0)
          networkSecurityGroup: {
            id: functionNsg.id
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
          addressPrefix: cidrSubnet(addressPrefix, 24, 1)
          networkSecurityGroup: {
            id: aciNsg.id
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

@description('Private DNS zone name (linked to the VNet).')
output privateDnsZoneName string = zone.name
