"""identity and vitals

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_type', sa.String(length=16), nullable=False),
    sa.Column('actor_id', sa.String(length=40), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('resource', sa.String(length=32), nullable=False),
    sa.Column('resource_id', sa.String(length=40), nullable=True),
    sa.Column('patient_id', sa.String(length=40), nullable=True),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('user_agent', sa.String(length=256), nullable=True),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_patient_at', ['patient_id', 'at'], unique=False)

    op.create_table('hospital',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hospital'))
    )
    op.create_table('team',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('hospital_id', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['hospital_id'], ['hospital.id'], name=op.f('fk_team_hospital_id_hospital')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team'))
    )
    op.create_table('patient',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=512), nullable=True),
    sa.Column('phone', sa.String(length=512), nullable=False),
    sa.Column('phone_hash', sa.String(length=64), nullable=False),
    sa.Column('id_number', sa.String(length=512), nullable=True),
    sa.Column('id_number_hash', sa.String(length=64), nullable=True),
    sa.Column('card_no', sa.String(length=512), nullable=True),
    sa.Column('card_no_hash', sa.String(length=64), nullable=True),
    sa.Column('birth_year', sa.Integer(), nullable=True),
    sa.Column('gender', sa.String(length=8), nullable=True),
    sa.Column('team_id', sa.String(length=40), nullable=True),
    sa.Column('registered_by_id', sa.String(length=40), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['registered_by_id'], ['patient.id'], name=op.f('fk_patient_registered_by_id_patient')),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_patient_team_id_team')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patient')),
    sa.UniqueConstraint('card_no_hash', name=op.f('uq_patient_card_no_hash')),
    sa.UniqueConstraint('id_number_hash', name=op.f('uq_patient_id_number_hash')),
    sa.UniqueConstraint('phone_hash', name=op.f('uq_patient_phone_hash'))
    )
    with op.batch_alter_table('patient', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patient_team_id'), ['team_id'], unique=False)

    op.create_table('staff_user',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('hospital_id', sa.String(length=40), nullable=False),
    sa.Column('team_id', sa.String(length=40), nullable=True),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['hospital_id'], ['hospital.id'], name=op.f('fk_staff_user_hospital_id_hospital')),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_staff_user_team_id_team')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_user')),
    sa.UniqueConstraint('username', name=op.f('uq_staff_user_username'))
    )
    op.create_table('family_invitation',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('patient_id', sa.String(length=40), nullable=False),
    sa.Column('relation', sa.String(length=16), nullable=False),
    sa.Column('scopes', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], name=op.f('fk_family_invitation_patient_id_patient')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_family_invitation')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_family_invitation_code_hash'))
    )
    with op.batch_alter_table('family_invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_family_invitation_patient_id'), ['patient_id'], unique=False)

    op.create_table('family_link',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('patient_id', sa.String(length=40), nullable=False),
    sa.Column('member_id', sa.String(length=40), nullable=False),
    sa.Column('relation', sa.String(length=16), nullable=False),
    sa.Column('scopes', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('needs_patient_confirmation', sa.Boolean(), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['patient.id'], name=op.f('fk_family_link_member_id_patient')),
    sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], name=op.f('fk_family_link_patient_id_patient')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_family_link'))
    )
    with op.batch_alter_table('family_link', schema=None) as batch_op:
        batch_op.create_index('ix_family_link_member_active', ['member_id', 'revoked_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_family_link_patient_id'), ['patient_id'], unique=False)

    op.create_table('platform_identity',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('platform', sa.String(length=16), nullable=False),
    sa.Column('app_id', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=128), nullable=False),
    sa.Column('union_id', sa.String(length=128), nullable=True),
    sa.Column('patient_id', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], name=op.f('fk_platform_identity_patient_id_patient')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_platform_identity')),
    sa.UniqueConstraint('platform', 'app_id', 'subject', name='uq_platform_identity_subject')
    )
    with op.batch_alter_table('platform_identity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_platform_identity_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_platform_identity_union_id'), ['union_id'], unique=False)

    op.create_table('vital_reading',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('patient_id', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('value', sa.Double(), nullable=True),
    sa.Column('systolic', sa.Integer(), nullable=True),
    sa.Column('diastolic', sa.Integer(), nullable=True),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('context', sa.String(length=24), nullable=True),
    sa.Column('measured_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=24), nullable=False),
    sa.Column('recorded_by', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], name=op.f('fk_vital_reading_patient_id_patient')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vital_reading'))
    )
    with op.batch_alter_table('vital_reading', schema=None) as batch_op:
        batch_op.create_index('ix_vital_reading_patient_measured', ['patient_id', 'measured_at'], unique=False)

    op.create_table('consent',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('patient_id', sa.String(length=40), nullable=False),
    sa.Column('purpose', sa.String(length=32), nullable=False),
    sa.Column('scopes', sa.JSON(), nullable=False),
    sa.Column('grantee_id', sa.String(length=40), nullable=True),
    sa.Column('family_link_id', sa.String(length=40), nullable=True),
    sa.Column('version', sa.String(length=32), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['family_link_id'], ['family_link.id'], name=op.f('fk_consent_family_link_id_family_link')),
    sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], name=op.f('fk_consent_patient_id_patient')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent'))
    )
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_patient_id'), ['patient_id'], unique=False)

    op.create_table('token_family',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('patient_id', sa.String(length=40), nullable=True),
    sa.Column('identity_id', sa.String(length=40), nullable=True),
    sa.Column('staff_id', sa.String(length=40), nullable=True),
    sa.Column('platform', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_reason', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['identity_id'], ['platform_identity.id'], name=op.f('fk_token_family_identity_id_platform_identity')),
    sa.ForeignKeyConstraint(['patient_id'], ['patient.id'], name=op.f('fk_token_family_patient_id_patient')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_user.id'], name=op.f('fk_token_family_staff_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_token_family'))
    )
    with op.batch_alter_table('token_family', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_token_family_identity_id'), ['identity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_token_family_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_token_family_staff_id'), ['staff_id'], unique=False)

    op.create_table('refresh_token',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('family_id', sa.String(length=40), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['family_id'], ['token_family.id'], name=op.f('fk_refresh_token_family_id_token_family')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refresh_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_refresh_token_token_hash'))
    )
    with op.batch_alter_table('refresh_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refresh_token_family_id'), ['family_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('refresh_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refresh_token_family_id'))

    op.drop_table('refresh_token')
    with op.batch_alter_table('token_family', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_token_family_staff_id'))
        batch_op.drop_index(batch_op.f('ix_token_family_patient_id'))
        batch_op.drop_index(batch_op.f('ix_token_family_identity_id'))

    op.drop_table('token_family')
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_patient_id'))

    op.drop_table('consent')
    with op.batch_alter_table('vital_reading', schema=None) as batch_op:
        batch_op.drop_index('ix_vital_reading_patient_measured')

    op.drop_table('vital_reading')
    with op.batch_alter_table('platform_identity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_platform_identity_union_id'))
        batch_op.drop_index(batch_op.f('ix_platform_identity_patient_id'))

    op.drop_table('platform_identity')
    with op.batch_alter_table('family_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_family_link_patient_id'))
        batch_op.drop_index('ix_family_link_member_active')

    op.drop_table('family_link')
    with op.batch_alter_table('family_invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_family_invitation_patient_id'))

    op.drop_table('family_invitation')
    op.drop_table('staff_user')
    with op.batch_alter_table('patient', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patient_team_id'))

    op.drop_table('patient')
    op.drop_table('team')
    op.drop_table('hospital')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_patient_at')

    op.drop_table('audit_log')
