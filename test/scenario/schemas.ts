// Small cn=config schemas for the scenario's OpenLDAP directories (loaded by startSlapd's extraSchemaLdif).

// Apple Open Directory's names for what the console reads: the apple-user auxiliary class with
// apple-generateduid and authAuthority. A test schema: the OIDs are under a private test arc, not Apple's.
export const APPLE_SCHEMA = `dn: cn=apple,cn=schema,cn=config
objectClass: olcSchemaConfig
cn: apple
olcAttributeTypes: ( 1.3.6.1.4.1.99999.63.1.1 NAME 'apple-generateduid' EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
olcAttributeTypes: ( 1.3.6.1.4.1.99999.63.1.2 NAME 'authAuthority' EQUALITY caseExactIA5Match SYNTAX 1.3.6.1.4.1.1466.115.121.1.26 )
olcObjectClasses: ( 1.3.6.1.4.1.99999.63.2.1 NAME 'apple-user' SUP top AUXILIARY MAY ( apple-generateduid $ authAuthority ) )
`;

// Active Directory's structural \`group\` class, as directories migrated from AD hold it.
export const AD_GROUP_SCHEMA = `dn: cn=adgroup,cn=schema,cn=config
objectClass: olcSchemaConfig
cn: adgroup
olcObjectClasses: ( 1.3.6.1.4.1.99999.64.2.1 NAME 'group' SUP top STRUCTURAL MUST cn MAY ( member $ mail $ description ) )
`;
